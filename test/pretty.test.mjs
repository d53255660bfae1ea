// The pretty layout against golden files (miruo's layout; checked by eye against miruo's own
// output), and the pcap export read back by pakeana itself.
// Regenerate a golden file after an intended layout change with:
//   TZ=UTC node packages/cli/bin/run.js read test/fixtures/corpus/NAME.pcap --plugin http --all --no-color > test/golden/NAME.txt
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const corpus = new URL('./fixtures/corpus/', import.meta.url).pathname;
const golden = new URL('./golden/', import.meta.url).pathname;

for (const name of ['tcp-syn-retrans', 'tcp-reset', 'http-pipelined', 'http-lossy']) {
  test(`pretty layout of ${name}.pcap matches the golden file`, () => {
    const run = runPakeana(['read', join(corpus, `${name}.pcap`), '--plugin', 'http', '--all', '--no-color']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, readFileSync(join(golden, `${name}.txt`), 'utf8'));
    assert.match(run.stderr, /===== Session Statistics =====\nPackets read {10}: \d+/, 'the summary goes to stderr');
  });
}

test('--view-data adds context segments; --quiet prints the narrow form; colours only when asked', () => {
  const plain = runPakeana(['read', join(corpus, 'http-lossy.pcap'), '--plugin', 'http', '--all', '--no-color']).stdout;
  const context = runPakeana(['read', join(corpus, 'http-lossy.pcap'), '--plugin', 'http', '--all', '--no-color', '--view-data', '2']).stdout;
  const count = (text) => text.split('\n').filter((l) => /^\d{4}:\d{4} /.test(l)).length;
  assert.ok(count(context) > count(plain), `${count(context)} > ${count(plain)}`);
  const quiet = runPakeana(['read', join(corpus, 'tcp-reset.pcap'), '--quiet', '--no-color']).stdout.split('\n');
  assert.match(quiet[0], /^ {7}0\.022\| {6}10\.77\.1\.1:34292 == 10\.77\.2\.1:8080 {7}\|8seg\(240\) \[tcp\.reset\]$/);
  assert.ok(!quiet.some((l) => /^\d{4}:/.test(l)), 'no segment lines in the narrow form');
  const colored = runPakeana(['read', join(corpus, 'tcp-reset.pcap'), '--color']).stdout;
  // eslint-disable-next-line no-control-regex -- ANSI escapes are what is tested
  assert.match(colored, /\x1b\[31m.*<-A-R--<.*\x1b\[39m/, 'the RST is red');
  assert.ok(!plain.includes('\x1b['), 'no colour unless asked');
});

test('the export of http-lossy.pcap, read again, gives the same session records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-export-'));
  const file = join(dir, 'lossy-export.pcap');
  const first = runPakeana(['read', join(corpus, 'http-lossy.pcap'), '--plugin', 'http', '--retransmit', '0', '--format', 'json', '--export', file]);
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(readdirSync(dir), ['lossy-export.pcap'], 'no temporary file left');
  const again = runPakeana(['read', file, '--plugin', 'http', '--retransmit', '0', '--format', 'json']);
  assert.equal(again.status, 0, again.stderr);
  const comparable = (s) => ({ ...s, id: 0 });
  assert.equal(first.sessions.length, 2);
  assert.deepEqual(again.sessions.map(comparable), first.sessions.map(comparable));
  const frames = readFileSync(file);
  assert.equal(frames.readUInt32LE(0), 0xa1b23c4d, 'nanosecond pcap');
  assert.ok(existsSync(file));
});

const tshark = spawnSync('tshark', ['--version']).status === 0;

test('tshark reads the export without complaint and finds exactly the reported sessions', { skip: tshark ? false : 'tshark is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-export-'));
  const file = join(dir, 'reset.pcap');
  writeFileSync(join(dir, 'c.yaml'), 'plugins: [http]\ntriggers:\n  - http.status: { min: 500 }\n');
  const reported = runPakeana(['read', join(corpus, 'http-basic.pcap'), '--config', join(dir, 'c.yaml'), '--format', 'json', '--export', file]);
  assert.equal(reported.status, 0, reported.stderr);
  const check = spawnSync('tshark', ['-r', file, '-q', '-z', 'conv,tcp'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.doesNotMatch(check.stderr.replace(/Running as user "root".*\n?/, ''), /\S/, 'tshark says nothing on stderr');
  const conversations = check.stdout.split('\n').filter((l) => /<->/.test(l));
  assert.equal(conversations.length, 1);
  assert.match(conversations[0], /10\.77\.1\.1:34246\s+<-> 10\.77\.2\.1:8080/);
});
