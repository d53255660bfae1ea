// Hostile HTTP and hostile config files, through the CLI as a process: an oversized first
// request head and an absurd Content-Length (issue 12), a config file too large to parse
// and a YAML alias bomb, each one line and status 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-hostile-'));
const capture = new URL('./fixtures/corpus/tcp-reset.pcap', import.meta.url).pathname;
const noStackTrace = (stderr) => assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m);

/** A capture of one conversation: the client's text in segments of at most 1400 bytes, then the server's. */
function conversationFile(name, port, client, server) {
  const c = new Conversation('10.2.0.1:41000', `10.2.0.2:${port}`);
  c.handshake();
  for (let at = 0; at < client.length; at += 1400) c.send('client', client.slice(at, at + 1400));
  c.send('server', server);
  const file = join(dir, name);
  writeFileSync(file, pcapFile(c.close().frames));
  return file;
}

const request = (uri, extra = '') => `GET ${uri} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;
const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';

test('a first request head over 64 KiB: marked, and the requests after it are reported (HTTP port and content probe)', () => {
  for (const port of [80, 7777]) {
    const client = request('/big', `Cookie: ${'c'.repeat(100_000)}\r\n`) + request('/2') + request('/3');
    const run = runPakeana(['read', conversationFile(`big-head-${port}.pcap`, port, client, ok.repeat(3)), '--plugin', 'http', '--all', '--format', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const [session] = run.sessions;
    assert.equal(session.protocol, 'http', `port ${port}`);
    assert.deepEqual(session.http.map((r) => [r.uri, r.status]), [['/big', 200], ['/2', 200], ['/3', 200]], `port ${port}`);
    assert.deepEqual(session.marks, ['http.head-too-large'], `port ${port}`);
  }
});

test('Content-Length: 99999999999999999999 is marked, and what follows is not read as a second request', () => {
  const client = request('/', 'Content-Length: 99999999999999999999\r\n').replace('GET', 'POST') + request('/smuggled');
  const run = runPakeana(['read', conversationFile('bad-length.pcap', 80, client, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'), '--plugin', 'http', '--all', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  const [session] = run.sessions;
  assert.deepEqual(session.http.map((r) => [r.method, r.uri, r.status]), [['POST', '/', 400]]);
  assert.deepEqual(session.marks, ['http.bad-content-length']);
});

/** `config validate FILE` and `read --config FILE`: status 2 and this one line on stderr. */
function assertConfigProblem(file, line) {
  for (const args of [['config', 'validate', file], ['read', capture, '--config', file]]) {
    const run = runPakeana(args);
    assert.equal(run.status, 2, `${args[0]}: ${run.stderr}`);
    assert.equal(run.stderr.trim(), line, args[0]);
    noStackTrace(run.stderr);
  }
}

test('a config file over 1 MiB is refused before it is parsed: one line, status 2', () => {
  const file = join(dir, 'large.yaml');
  const text = `output:\n  format: json\n${'# a comment line\n'.repeat(100_000)}`;
  writeFileSync(file, text);
  const started = Date.now();
  assertConfigProblem(file, `${file}:1:1: file is ${text.length} bytes, more than the 1 MiB a config may have`);
  assert.ok(Date.now() - started < 20_000);
});

test('a YAML alias bomb is a config problem at its line and column: one line, status 2', () => {
  const file = join(dir, 'bomb.yaml');
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 8; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  assertConfigProblem(file, `${file}:9:10: Excessive alias count indicates a resource exhaustion attack`);
});
