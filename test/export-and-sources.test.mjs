// `--export` and the inputs as a process: the export target is checked before any packet is
// read, temporary files of killed runs are cleaned up, the summary counts the frames the
// export dropped, and SIGINT/SIGTERM stop a read from an idle pipe or FIFO at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pakeanaBin, runPakeana } from './helpers.mjs';
import { Conversation, pcapFile } from '@pakeana/framework/testing';

const dir = mkdtempSync(join(tmpdir(), 'pakeana-export-'));
const noStackTrace = (stderr) => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m);

/** A capture of `count` short HTTP-like sessions. */
function sessions(count, start = 1_700_000_000) {
  const frames = [];
  for (let i = 0; i < count; i++) {
    const c = new Conversation(`10.0.1.${i + 1}:40000`, '10.0.0.2:80', { start: start + i });
    c.handshake().send('client', 'GET / HTTP/1.1\r\n\r\n').close();
    frames.push(...c.frames);
  }
  return frames;
}

test('--export naming a directory: one line, status 2, before any packet is read, nothing left behind', () => {
  const target = join(dir, 'is-a-dir');
  mkdirSync(target);
  const capture = join(dir, 'two.pcap');
  writeFileSync(capture, pcapFile(sessions(2)));
  for (const format of ['json', 'pretty']) {
    const run = runPakeana(['read', capture, '--all', '--format', format, '--export', target]);
    assert.deepEqual([run.status, run.stderr.trim(), run.stdout], [2, `pakeana: cannot export to ${target}: is a directory`, ''], format);
    noStackTrace(run.stderr);
  }
  const missing = join(dir, 'no-such-dir', 'out.pcap');
  const run = runPakeana(['read', capture, '--all', '--format', 'json', '--export', missing]);
  assert.deepEqual([run.status, run.stderr.trim(), run.stdout], [2, `pakeana: cannot export to ${missing}: no such directory`, '']);
  assert.deepEqual(readdirSync(dir).sort(), ['is-a-dir', 'two.pcap']);
});

test('an export removes the temporary file a killed run left, and writes every frame', () => {
  const out = join(dir, 'clean');
  mkdirSync(out);
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(out, `.out.pcap.${exited}.tmp`), 'left by kill -9');
  const frames = sessions(3);
  const capture = join(out, 'in.pcap');
  writeFileSync(capture, pcapFile(frames));
  const run = runPakeana(['read', capture, '--all', '--format', 'json', '--export', join(out, 'out.pcap')]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['in.pcap', 'out.pcap']);
  const exported = readFileSync(join(out, 'out.pcap'));
  assert.equal(exported.length, 24 + frames.reduce((sum, f) => sum + 16 + f.data.length, 0));
});

/** A little-endian pcapng: one Ethernet interface (0) and one raw-IP interface (1); frames as [interface, TimedFrame]. */
function pcapng(frames) {
  const block = (type, body) => {
    const b = Buffer.alloc(12 + body.length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(b.length, 4);
    body.copy(b, 8);
    b.writeUInt32LE(b.length, b.length - 4);
    return b;
  };
  const shb = Buffer.alloc(16, 0xff);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt32LE(1, 4);
  const idb = (linkType) => {
    const body = Buffer.alloc(8);
    body.writeUInt16LE(linkType, 0);
    body.writeUInt32LE(262144, 4);
    return block(1, body);
  };
  const epbs = frames.map(([iface, f]) => {
    const padded = Buffer.alloc(20 + ((f.data.length + 3) & ~3));
    const micros = BigInt(Math.round(f.time * 1e6));
    padded.writeUInt32LE(iface, 0);
    padded.writeUInt32LE(Number(micros >> 32n), 4);
    padded.writeUInt32LE(Number(micros & 0xffffffffn), 8);
    padded.writeUInt32LE(f.data.length, 12);
    padded.writeUInt32LE(f.data.length, 16);
    f.data.copy(padded, 20);
    return block(6, padded);
  });
  return Buffer.concat([block(0x0a0d0d0a, shb), idb(1), idb(101), ...epbs]);
}

test('frames the export drops for their link type are in the summary (JSON and pretty)', () => {
  const ethernet = sessions(2).map((f) => [0, f]);
  const rawIp = sessions(1, 1_700_000_000.5).map((f) => [1, { time: f.time, data: f.data.subarray(14) }]);
  const capture = join(dir, 'two-links.pcapng');
  writeFileSync(capture, pcapng([...ethernet, ...rawIp].sort((a, b) => a[1].time - b[1].time)));
  const json = runPakeana(['read', capture, '--all', '--format', 'json', '--export', join(dir, 'two-links.pcap')]);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(json.sessions.length, 3);
  assert.equal(json.summary.droppedSegments, rawIp.length);
  const pretty = runPakeana(['read', capture, '--all', '--export', join(dir, 'two-links.pcap')]);
  assert.equal(pretty.status, 0, pretty.stderr);
  assert.match(pretty.stderr, new RegExp(`Dropped segments\\s+: ${rawIp.length}\\n`));
});

/** Starts pakeana on `input`, waits until it is running, sends `signal`; resolves with its exit and output. */
async function stopWith(signal, args, feed) {
  const child = spawn(process.execPath, [pakeanaBin, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise((resolve) => child.on('exit', (status, sig) => resolve({ status, signal: sig })));
  feed(child);
  await sleep(1000); // started and read what was sent; now idle
  const start = performance.now();
  child.kill(signal);
  const result = await Promise.race([exited, sleep(3000).then(() => null)]);
  if (!result) child.kill('SIGKILL');
  return { result, ms: performance.now() - start, stdout };
}

test('SIGINT stops a read from an idle stdin pipe, SIGTERM one from an idle FIFO: sessions so far and the summary', async () => {
  const header = pcapFile(sessions(1));
  const fromStdin = await stopWith('SIGINT', ['read', '-', '--all', '--format', 'json'], (child) => child.stdin.write(header));
  assert.ok(fromStdin.result, 'stopped');
  assert.equal(fromStdin.result.status, 0);
  const fifo = join(dir, 'in.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = openSync(fifo, 'r+'); // a writer that holds the FIFO open and sends one session, then nothing
  const fromFifo = await stopWith('SIGTERM', ['read', fifo, '--all', '--format', 'json'], () => writeFileSync(writer, header));
  closeSync(writer);
  assert.ok(fromFifo.result, 'stopped');
  for (const run of [fromStdin, fromFifo]) {
    assert.ok(run.ms < 1000, `stopped after ${run.ms.toFixed(0)} ms`);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(records.map((r) => r.type), ['session', 'summary']);
    assert.equal(records[1].packets, 8);
  }
  assert.ok(existsSync(fifo));
});
