// `match` patterns against hostile traffic, end to end: globs and regexes run in linear time
// (a URI of 1,000 slashes, a host made for a backtracking regex), and a regex that cannot be
// run in linear time is a config problem with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-match-'));

function write(name, content) {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** One HTTP exchange per session, from client ports 40001, 40002, ... */
function capture(requests) {
  const frames = requests.flatMap(([uri, host], i) => {
    const c = new Conversation(`192.0.2.1:${40001 + i}`, '10.0.0.1:80', { start: 1_700_000_000 + i });
    c.handshake();
    c.send('client', `GET ${uri} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    c.send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    return c.close().frames;
  });
  return write('hostile.pcap', pcapFile(frames));
}

test('hostile URIs and hosts against a glob and a regex: the right sessions, in seconds', () => {
  const file = capture([
    ['/'.repeat(1000), 'a'.repeat(40) + '!'],
    ['/a/b/c/d.php', 'www.example.com'],
    ['/', 'a'.repeat(80)],
    ['/'.repeat(2000) + '?q=1', 'b'.repeat(80) + 'a'],
  ]);
  const config = write('hostile.yaml', 'plugins: [http]\ntriggers:\n  - match: { any: [ { path: "/*/*/*/*.php" }, { host: "/^(a+)+$/" } ] }\n');
  // SIGKILL: a run stuck in a match never gets to its SIGTERM handler.
  const run = runPakeana(['read', file, '--config', config, '--format', 'json'], { timeout: 30_000, killSignal: 'SIGKILL' });
  assert.equal(run.status, 0, run.stderr || `killed by ${run.signal}`);
  assert.deepEqual(run.sessions.map((s) => s.client.port), [40002, 40003]);
});

test('a regex RE2 cannot run in linear time is a config problem, saying why', () => {
  const config = write('lookahead.yaml', 'plugins: [http]\ntriggers:\n  - match:\n      any:\n        - path: /^\\/(?!static)/\n        - host: "/(a)\\\\1/"\n');
  const run = runPakeana(['config', 'validate', config]);
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr.trim(),
    `${config}:4:7: triggers.0.match: any.0.path: /^\\/(?!static)/: the lookahead (?!...) cannot be matched in linear time (regexes run on RE2)`,
  );
});
