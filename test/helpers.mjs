// Shared helpers of the integration tests: run the CLI as a process, parse NDJSON, compare
// session records with tshark's view (*.expect.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Conversation, pcapFile } from '@pakeana/framework/testing';

export const pakeanaBin = new URL('../packages/cli/bin/run.js', import.meta.url).pathname;

/** Runs `pakeana ARGS`; returns status, stdout, stderr, and the parsed NDJSON records. */
export function runPakeana(args, options = {}) {
  const r = spawnSync(process.execPath, [pakeanaBin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 120_000,
    ...options,
    env: { ...process.env, TZ: 'UTC', ...options.env },
  });
  const records = [];
  for (const line of (r.stdout ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // not JSON (pretty output): leave records empty
    }
  }
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    records,
    sessions: records.filter((x) => x.type === 'session'),
    summary: records.find((x) => x.type === 'summary'),
  };
}

const endpoint = (e) => `${e.ip}:${e.port}`;
const sessionKey = (s) => [endpoint(s.client), endpoint(s.server)].sort().join(' <-> ');
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The checks of the shared corpus tool, per session: found, payload bytes per side, reset
 * seen, retransmission seen, and with `http` the requests and statuses in order.
 * Returns the number of checks and one line per failed check (`check name: detail`).
 */
export function compareWithTshark(file, expected, run, { http = true } = {}) {
  const failures = [];
  let checks = 0;
  const check = (name, ok, detail) => {
    checks++;
    if (!ok) failures.push(`${name}: ${detail}`);
  };
  const damaged = file.startsWith('bad-');
  check('no crash', run.status !== null && !/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr), `status ${run.status}`);
  if (!damaged) check('exit status 0', run.status === 0, `status ${run.status}: ${run.stderr.split('\n')[0]}`);
  const byKey = new Map(run.sessions.map((s) => [sessionKey(s), s]));
  check('session count', run.sessions.length === expected.sessions.length, `got ${run.sessions.length}, tshark ${expected.sessions.length}`);
  for (const e of expected.sessions) {
    const key = sessionKey(e);
    const got = byKey.get(key);
    check('session found', !!got, `missing ${key}`);
    if (!got || damaged) continue;
    const flipped = endpoint(got.client) !== endpoint(e.client);
    const bytes = flipped ? { client: got.bytes.server, server: got.bytes.client } : got.bytes;
    check('payload bytes', same(bytes, e.bytes), `${key}: got ${JSON.stringify(bytes)}, tshark ${JSON.stringify(e.bytes)}`);
    check('reset seen', (got.tcp.resets > 0) === (e.resets > 0), `${key}: got ${got.tcp.resets}, tshark ${e.resets}`);
    const retrans = got.tcp.retransmissions + got.tcp.synRetransmissions;
    check('retransmission seen', (retrans > 0) === (e.retransmissions > 0), `${key}: got ${retrans}, tshark ${e.retransmissions}`);
    if (!http) continue;
    const records = got.http ?? [];
    const requests = records.filter((x) => x.method).map((x) => ({ method: x.method, uri: x.uri, host: x.host ?? null }));
    check('http requests', same(requests, e.requests), `${key}: got ${JSON.stringify(requests).slice(0, 200)}, tshark ${JSON.stringify(e.requests).slice(0, 200)}`);
    const statuses = records.filter((x) => x.status != null).map((x) => x.status);
    check('http statuses', same(statuses, e.statuses), `${key}: got ${JSON.stringify(statuses)}, tshark ${JSON.stringify(e.statuses)}`);
  }
  return { checks, failures };
}

const here = new URL('.', import.meta.url).pathname;
/** ../shared next to the clone (the corpus and public captures), when it is there. */
export const sharedDir = join(here, '../../shared');
const CAPTURE = /\.(pcap|pcapng|cap|trace|dmp|pcap\d*)$/i;

/** Every capture file under `dir`, at any depth. */
export function captures(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return captures(path);
    return CAPTURE.test(name) ? [path] : [];
  });
}

/** The repository's fixtures, and ../shared's corpus and public sets when they are there. */
export function everyCapture() {
  return [...captures(join(here, 'fixtures')), ...captures(join(sharedDir, 'corpus')), ...captures(join(sharedDir, 'public'))];
}

/** A stream that keeps what is written to it, in `text` (an in-process run's stdout or stderr). */
export class TextStream extends Writable {
  text = '';
  _write(chunk, _encoding, done) {
    this.text += chunk;
    done();
  }
}

/** Writes `count` short sessions to port 7 (`hello N` and `hi`, each from its own client) as a pcap `file`. */
export function writeEchoCapture(file, count) {
  const frames = [];
  for (let i = 0; i < count; i++) {
    const c = new Conversation(`10.2.${Math.floor(i / 250)}.${(i % 250) + 1}:${40000 + (i % 20000)}`, '10.2.0.100:7', { start: 1000 + i });
    frames.push(...c.handshake().send('client', `hello ${i}`).send('server', 'hi').close().frames);
  }
  writeFileSync(file, pcapFile(frames));
  return file;
}
