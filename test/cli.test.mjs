// The CLI as a process: inputs (file, stdin), damaged and wrong inputs, exit statuses and
// one-line errors, memory limits with evictions counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pakeanaBin, runPakeana } from './helpers.mjs';

const corpus = new URL('./fixtures/corpus/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pakeana-cli-'));
const noStackTrace = (stderr) => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m);

test('stdin: `tcpdump -w - | pakeana read -` gives the same sessions as the file', () => {
  const file = join(corpus, 'http-basic.pcapng');
  const fromFile = runPakeana(['read', file, '--all', '--format', 'json']);
  const fromStdin = runPakeana(['read', '-', '--all', '--format', 'json'], { input: readFileSync(file) });
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.deepEqual(fromStdin.sessions, fromFile.sessions);
  assert.equal(fromStdin.summary.packets, fromFile.summary.packets);
});

test('a file cut in a record: what came before is reported, then one line and status 1', () => {
  const run = runPakeana(['read', join(corpus, 'bad-truncated-file.pcap'), '--all', '--format', 'json']);
  assert.equal(run.status, 1);
  assert.equal(run.sessions.length, 2);
  assert.ok(run.summary, 'the summary record still comes last');
  assert.match(run.stderr.trim(), /^pakeana: .*bad-truncated-file\.pcap: truncated record \d+ at byte \d+: \d+ of \d+ bytes$/);
  noStackTrace(run.stderr);
});

test('not a capture, an absurd record length, an empty file: one line, status 1', () => {
  const cases = {
    'text.pcap': Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    'absurd.pcap': (() => {
      const b = Buffer.from(readFileSync(join(corpus, 'tcp-reset.pcap')));
      b.writeUInt32LE(0x7fffffff, 24 + 8);
      return b;
    })(),
    'empty.pcap': Buffer.alloc(0),
  };
  const expected = { 'text.pcap': /not a pcap or pcapng file \(magic 0x47455420\)/, 'absurd.pcap': /captured length 2147483647 exceeds/, 'empty.pcap': /empty file/ };
  for (const [name, bytes] of Object.entries(cases)) {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const run = runPakeana(['read', file, '--format', 'json']);
    assert.equal(run.status, 1, name);
    assert.match(run.stderr, expected[name], name);
    assert.equal(run.stderr.trim().split('\n').length, 1, name);
    noStackTrace(run.stderr);
  }
});

test('misuse is status 2 with one line: missing file, bad flag value, unknown flag', () => {
  const missing = runPakeana(['read', join(dir, 'nope.pcap')]);
  assert.deepEqual([missing.status, missing.stderr.trim()], [2, `pakeana: ${join(dir, 'nope.pcap')}: no such file`]);
  for (const args of [['--format', 'xml'], ['--frobnicate']]) {
    const run = runPakeana(['read', join(corpus, 'tcp-reset.pcap'), ...args]);
    assert.equal(run.status, 2, args.join(' '));
    noStackTrace(run.stderr);
  }
});

test('the session limit evicts the idlest session, counted, and it is still reported', () => {
  const run = runPakeana(['read', join(corpus, 'http-parallel.pcap'), '--all', '--format', 'json', '--session-limit', '1']);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.summary.evictedSessions > 0, `evicted ${run.summary.evictedSessions}`);
  assert.ok(run.sessions.some((s) => s.endReason === 'evicted' && s.state === 'timeout'));
});

test('capture on an interface that does not exist: one line, status 2', () => {
  const run = spawnSync(process.execPath, [pakeanaBin, 'capture', '-i', 'no-such-if0', '--duration', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr.trim(), /^pakeana: (no such interface: no-such-if0|live capture needs libpcap)/);
  noStackTrace(run.stderr);
});

test('--help describes the commands', () => {
  const run = runPakeana(['read', '--help']);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /--plugin/);
  assert.match(run.stdout, /--long-delay/);
});
