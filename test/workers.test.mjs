// `read --workers N` splits the sessions between threads by a hash of the flow; the output must
// be what one thread prints: the same sessions, ids, order, summary. On every capture of the
// repository's fixtures and of ../shared's corpus and public sets, the shares of 2 and 4
// workers run side by side in this process (a process per run would take minutes), merged by
// the same code as the threads'; then the CLI runs real worker threads on a few captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addShardCounters, runCapture, runShard, shardError, ShardMerger, TextCapture } from '@pakeana/framework/internal';
import { setupRun } from '../packages/cli/dist/run-setup.js';
import { everyCapture, pakeanaBin, runPakeana, sharedDir, TextStream, writeEchoCapture } from './helpers.mjs';

process.env.TZ = 'UTC';
const here = new URL('.', import.meta.url).pathname;

const FLAGS = { plugin: ['http', 'tls'], color: false, 'dissect-all': false };
// Every session (ids and order of all), and miruo's default triggers (few reported, more finished unreported).
const TRIGGER_SETS = [{ all: true }, {}];

async function oneThread(file, flags) {
  const stdout = new TextStream();
  const stderr = new TextStream();
  const setup = await setupRun(flags, { stdout, stderr });
  const { error } = await runCapture(file, { ...setup.pipeline, sinks: setup.sinks, pluginTimeout: 30 });
  return { stdout: stdout.text, stderr: stderr.text, error: error?.message ?? null };
}

/** The shares of `count` workers run together in this thread, merged as `runSharded` merges them. */
async function shared(file, flags, count) {
  const stdout = new TextStream();
  const stderr = new TextStream();
  const main = await setupRun(flags, { stdout, stderr });
  const { stats, memory } = main.pipeline;
  stats.memory = memory;
  const runs = [];
  const merger = new ShardMerger(count, stats, main.idText, {
    write: (chunks, bytes, charged, shard) => {
      stdout.text += Buffer.concat(chunks).toString();
      runs[shard].credit(charged, []);
    },
    spent: (bytes, shard) => runs[shard].credit(0, [bytes]),
  }, 1); // its lists of creations trimmed at every batch, as a long run trims them
  for (let index = 0; index < count; index++) {
    const output = new TextCapture();
    const setup = await setupRun(flags, { stdout: output.stream, shards: count });
    runs.push(runShard(file, { index, count }, { ...setup.pipeline, sinks: setup.sinks, pluginTimeout: 30 }, output, (batch) => merger.take(index, batch), () => {}));
    // In one thread how far the shares run apart does not matter.
    runs[index].allow(Infinity);
  }
  const done = await Promise.all(runs.map((r) => r.done));
  done.forEach((d, i) => addShardCounters(stats, d.counters, i === 0));
  for (const sink of main.sinks) await sink.finish(stats);
  return { stdout: stdout.text, stderr: stderr.text, error: shardError(done[0].error)?.message ?? null };
}

/** The summary without what varies from run to run (times, memory). */
function comparable(text) {
  return text
    .replace(/^(Memory held|Peak memory|Elapsed).*\n/gm, '')
    .replace(/"elapsed":[^,]+,"peakRss":\d+,"memory":\{"limit":\d+,"peak":\d+,/, '');
}

const files = everyCapture();

test(`the shares of 2 and 4 workers, merged, print what one thread prints (${files.length} captures)`, async (t) => {
  if (!existsSync(sharedDir)) t.diagnostic('no ../shared next to the clone: the committed fixtures only');
  let compared = 0;
  let sessionsSplit = 0;
  for (const file of files) {
    for (const triggers of TRIGGER_SETS) {
      for (const format of ['pretty', 'json']) {
        const flags = { ...FLAGS, ...triggers, format };
        const one = await oneThread(file, flags);
        for (const count of [2, 4]) {
          const many = await shared(file, flags, count);
          const what = `${file} ${JSON.stringify({ ...triggers, format })} with ${count} workers`;
          assert.equal(many.error, one.error, what);
          assert.equal(comparable(many.stdout), comparable(one.stdout), what);
          assert.equal(comparable(many.stderr), comparable(one.stderr), what);
          compared++;
        }
        if (triggers.all && format === 'json') sessionsSplit += (one.stdout.match(/"type":"session"/g) ?? []).length;
      }
    }
  }
  t.diagnostic(`${compared} runs compared, ${sessionsSplit} sessions`);
  assert.ok(sessionsSplit > 1000, `only ${sessionsSplit} sessions: the comparison proves little`);
});

const fixture = (name) => join(here, 'fixtures', name);

test('read --workers 1, 2 and 4: real worker threads print what one thread prints', () => {
  const runs = [
    [fixture('corpus/http-many.pcap'), '--plugin', 'http', '--all'],
    [fixture('corpus/tcp-reset.pcap'), '--plugin', 'http', '--reset', 'all', '--format', 'json'],
  ];
  for (const args of runs) {
    const [one, two, four] = [1, 2, 4].map((n) => runPakeana(['read', ...args, '--workers', String(n)], { env: { TZ: 'UTC' } }));
    assert.equal(one.status, 0, one.stderr);
    assert.ok(one.stdout.length > 0, 'nothing printed: the comparison proves little');
    for (const many of [two, four]) {
      assert.equal(many.status, 0, many.stderr);
      assert.equal(comparable(many.stdout), comparable(one.stdout), args.join(' '));
      assert.equal(comparable(many.stderr), comparable(one.stderr), args.join(' '));
    }
  }
});

test('a worker thread that dies (a plugin that fails to load there): one line, status 1, the main thread stops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-workers-'));
  const plugin = join(dir, 'dies.cjs');
  writeFileSync(plugin, "if (!require('node:worker_threads').isMainThread) throw new Error('boom in worker');\nmodule.exports = { apiVersion: 1, name: 'dies', ports: [7], create: () => ({ data() {}, gap() {}, end() {} }) };");
  const r = runPakeana(['read', writeEchoCapture(join(dir, 'six.pcap'), 6), '--plugin', plugin, '--all', '--format', 'json', '-j', '2']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^pakeana: .*six\.pcap: cannot read: worker thread 1 failed: .*boom in worker\n$/);
});

test('on a terminal, two workers colour the output and clear the progress line as one thread does', () => {
  const file = fixture('corpus/http-lossy.pcap');
  const onTerminal = (workers) => {
    // script(1) gives the run a terminal; the rates and times vary from run to run.
    const r = spawnSync('script', ['-qc', `${process.execPath} ${pakeanaBin} read ${file} --plugin http --all -j ${workers}`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.replace(/\d+ packets\/s/g, '').replace(/^(Elapsed|Memory held|Peak memory).*$/gm, '');
  };
  const one = onTerminal(1);
  assert.ok(one.includes('\x1b[33m0001'), 'coloured');
  assert.equal(onTerminal(2), one);
});

test('--workers with standard input, a pipe, --export or --extract: one line, status 2', () => {
  const file = fixture('corpus/tcp-reset.pcap');
  const fifo = join(mkdtempSync(join(tmpdir(), 'pakeana-workers-')), 'in.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const cases = [
    [['read', '-', '--workers', '2'], /--workers 2: reading standard input needs one worker/],
    [['read', fifo, '--workers', '2'], /--workers 2: reading a pipe needs one worker/],
    [['read', file, '--workers', '2', '--export', '/tmp/pakeana-workers.pcap'], /--workers 2: --export needs one worker/],
    [['read', file, '--workers', '3', '--extract', '/tmp/pakeana-workers'], /--workers 3: --extract needs one worker/],
  ];
  for (const [args, message] of cases) {
    const r = runPakeana(args, { input: '' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a plugin that throws or hangs in a worker thread: isolated per session, counted, warned of once, the same output as one thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-workers-'));
  const capture = writeEchoCapture(join(dir, 'six.pcap'), 6);
  const plugin = (name, body) => {
    const file = join(dir, `${name}.cjs`);
    writeFileSync(file, `module.exports = { apiVersion: 1, name: '${name}', ports: [7], create: (ctx) => ({ ${body}, gap() {}, end() {} }) };`);
    return file;
  };
  const thrower = plugin('thrower', "data() { throw new Error('bad bytes'); }");
  const hanger = plugin('hanger', "data(dir, bytes) { if (/hello [14]/.test(bytes.toString())) for (;;); ctx.emit({ seen: bytes.toString() }); }");
  const config = join(dir, 'timeout.yaml');
  writeFileSync(config, 'limits:\n  pluginTimeout: 300ms\n');
  for (const [file, expected] of [[thrower, { thrower: 6 }], [hanger, { hanger: 2 }]]) {
    const [one, two] = [1, 2].map((n) => runPakeana(['read', capture, '--plugin', file, '--config', config, '--all', '--format', 'json', '-j', String(n)], { timeout: 30_000 }));
    assert.equal(two.status, 0, two.stderr);
    assert.deepEqual(two.summary.pluginErrors, expected);
    assert.equal(comparable(two.stdout), comparable(one.stdout), file);
    // The warning is printed once, as by one thread, though both threads met the failure.
    const warnings = (stderr) => stderr.split('\n').filter((line) => line.startsWith('pakeana: warning:'));
    assert.equal(warnings(one.stderr).length, 1, one.stderr);
    assert.deepEqual(warnings(two.stderr), warnings(one.stderr));
  }
});

/** The frames of a pcap file (after its header, records of 16 bytes and their data): how many, and where the first `count` end. */
function pcapFrames(pcap, count = Infinity) {
  let at = 24;
  let frames = 0;
  for (; frames < count && at < pcap.length; frames++) at += 16 + pcap.readUInt32LE(at + 8);
  return { frames, end: at };
}

test('Ctrl-C with two workers: both end after the same chunk, as one thread reading that much of the capture prints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-workers-'));
  // 12,000 sessions (8.5 MB, 9 chunks), each slowed by a plugin (SLOW_MS a call) so that the
  // read takes seconds: Ctrl-C comes early in it, and the read ends a chunk later.
  const capture = writeEchoCapture(join(dir, 'many.pcap'), 12_000);
  const pcap = readFileSync(capture);
  const slow = join(dir, 'slow.cjs');
  writeFileSync(slow, "const ms = Number(process.env.SLOW_MS); module.exports = { apiVersion: 1, name: 'slow', ports: [7], create: () => ({ data() { const until = performance.now() + ms; while (performance.now() < until); }, gap() {}, end() {} }) };");
  // No plugin call is cut by the timeout on a busy machine: that would mark sessions.
  const config = join(dir, 'patient.yaml');
  writeFileSync(config, 'limits:\n  pluginTimeout: 60s\n');
  const args = ['--plugin', slow, '--config', config, '--all', '--format', 'json', '--dissect-all'];
  const child = spawn(process.execPath, [pakeanaBin, 'read', capture, ...args, '-j', '2'], { env: { ...process.env, TZ: 'UTC', SLOW_MS: '0.3' } });
  let stdout = '';
  child.stdout.on('data', (data) => {
    if (stdout === '') child.kill('SIGINT');
    stdout += data;
  });
  const status = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(status, 0);
  const records = stdout.trim().split('\n').map((line) => JSON.parse(line));
  const summary = records.at(-1);
  const total = pcapFrames(pcap).frames;
  assert.ok(summary.packets > 0 && summary.packets < total, `read ${summary.packets} of ${total} frames`);
  // The frames the summary counts, read whole by one thread (not slowed): the same sessions and summary.
  const part = join(dir, 'part.pcap');
  writeFileSync(part, pcap.subarray(0, pcapFrames(pcap, summary.packets).end));
  const one = runPakeana(['read', part, ...args, '-j', '1'], { env: { SLOW_MS: '0' } });
  assert.equal(one.status, 0, one.stderr);
  assert.equal(comparable(stdout), comparable(one.stdout));
});
