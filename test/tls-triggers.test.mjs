// The TLS triggers end to end: `pakeana read --plugin tls --config FILE` as a process on Zeek's
// TLS traces (test/fixtures/tls-tshark) and the TLS lab's captures (test/fixtures/tls-lab),
// asserting which sessions are reported (by client port) and why; what the expectations rest
// on is tshark's view of each trace, given beside it, and the lab's manifest. Also the commands
// and YAML of packages/trigger-tls/README.md, and bad options with their FILE:LINE:COL messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const traces = join(root, 'test/fixtures/tls-tshark'); // Zeek's TLS traces, as committed
const lab = join(root, 'test/fixtures/tls-lab');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-tls-triggers-'));

/** A config file holding `plugins: [tls]` and `triggers`, given as YAML lines. */
function config(name, ...triggers) {
  const file = join(dir, name);
  writeFileSync(file, `plugins: [tls]\ntriggers:\n${triggers.map((t) => `  - ${t}\n`).join('')}`);
  return file;
}

/** The reported sessions of a Zeek trace as [client port, triggers] by port, with `triggers` (YAML lines) configured. */
function reported(trace, ...triggers) {
  const run = runPakeana(['read', join(traces, trace), '--format', 'json', '--config', config('t.yaml', ...triggers)]);
  assert.equal(run.status, 0, run.stderr);
  return run.sessions.map((s) => [s.client.port, s.triggers]).sort(([a], [b]) => a - b);
}

// tshark: one ClientHello (53525 -> 443, 1393957586.786031), answered by a fatal handshake_failure
// (level 2, description 40) 5 ms later; FINs both ways, the last segment 10.7 ms after the hello.
test('tls.alert on tls-1.2-handshake-failure.pcap: the fatal handshake_failure', () => {
  assert.deepEqual(reported('tls-1.2-handshake-failure.pcap', 'tls.alert'), [[53525, ['tls.alert']]]);
  assert.deepEqual(reported('tls-1.2-handshake-failure.pcap', 'tls.alert: { description: [handshake_failure, unknown_ca] }'), [[53525, ['tls.alert']]]);
  assert.deepEqual(reported('tls-1.2-handshake-failure.pcap', 'tls.alert: { level: any, description: certificate_expired }'), []);
});

test('tls.handshake on tls-1.2-handshake-failure.pcap: unfinished, it counts until the last segment (10.7 ms)', () => {
  assert.deepEqual(reported('tls-1.2-handshake-failure.pcap', 'tls.handshake: { over: 5ms }'), [[53525, ['tls.handshake']]]);
  assert.deepEqual(reported('tls-1.2-handshake-failure.pcap', 'tls.handshake: { over: 50ms }'), []);
});

// tshark: captured 2014-03-13; 60539's leaf certificate expired 2014-03-04 23:59:59, 60540's
// expires 2014-03-14 23:59:59. ClientHello to the client's first application data: 60539 4.03 s
// (1394745602.951961 to 1394745606.982543), 60540 3.63 s (1394745618.791420 to 1394745622.420851).
test('tls.certificate and tls.handshake on tls-expired-cert.pcap: expiry from the capture time, handshake times', () => {
  const trace = 'tls-expired-cert.pcap';
  assert.deepEqual(reported(trace, 'tls.certificate: { expiresWithin: 1h }'), [[60539, ['tls.certificate']]]);
  assert.deepEqual(reported(trace, 'tls.certificate: { expiresWithin: 30d }'), [
    [60539, ['tls.certificate']],
    [60540, ['tls.certificate']],
  ]);
  assert.deepEqual(reported(trace, 'tls.certificate: { selfSigned: true }'), []);
  assert.deepEqual(reported(trace, 'tls.handshake: { over: 3800ms }'), [[60539, ['tls.handshake']]]);
  assert.deepEqual(reported(trace, 'tls.handshake: { over: 3s }').length, 2);
});

// tshark: three connections (58868, 58869, 58870) whose ServerHello says 0x0301 (TLS 1.0; the
// file's name notwithstanding), certificates valid 2006-11-14 to 2007-11-14, captured 2007-02-06.
test('tls.version and record: on ssl.v3.pcap, three TLS 1.0 connections', () => {
  const trace = 'ssl.v3.pcap';
  const all = (trigger) => [58868, 58869, 58870].map((port) => [port, [trigger]]);
  assert.deepEqual(reported(trace, 'tls.version: { below: "1.2" }'), all('tls.version'));
  assert.deepEqual(reported(trace, 'tls.version: { below: TLSv1.1 }'), all('tls.version'));
  assert.deepEqual(reported(trace, 'tls.version: { below: TLSv10 }'), []);
  assert.deepEqual(reported(trace, 'record: { protocol: tls, where: { version: TLSv10 } }'), all('record'));
  assert.deepEqual(reported(trace, 'record: { protocol: tls, where: { version: TLSv12 } }'), []);
  assert.deepEqual(reported(trace, 'tls.certificate: { expiresWithin: 300d }'), all('tls.certificate'));
  assert.deepEqual(reported(trace, 'tls.certificate: { expiresWithin: 200d }'), []);
});

// tshark: SNI tls13.crypto.mozilla.org, supported_versions 0x7f17 (draft 23) chosen by the server.
test('match on sni, and a TLS 1.3 draft is no older than 1.3, on tls13draft23-chrome67.0.3368.0-canary.pcap', () => {
  const trace = 'tls13draft23-chrome67.0.3368.0-canary.pcap';
  assert.deepEqual(reported(trace, "match: { sni: '*.MOZILLA.org' }"), [[63449, ['match']]]);
  assert.deepEqual(reported(trace, "match: { sni: '/^tls13\\.crypto\\./' }"), [[63449, ['match']]]);
  assert.deepEqual(reported(trace, "match: { sni: 'mozilla.org' }"), []);
  assert.deepEqual(reported(trace, 'tls.version: { below: "1.3" }'), []);
  assert.deepEqual(reported(trace, 'record: { protocol: tls, where: { version: TLSv13-draft23 } }'), [[63449, ['record']]]);
});

/** Whether each trigger (a YAML line) fired on the one connection of a lab capture. */
function firesOnLab(capture, ...triggers) {
  return triggers.map((trigger) => {
    const run = runPakeana(['read', join(lab, `${capture}.pcap`), '--format', 'json', '--config', config('lab.yaml', trigger)]);
    assert.equal(run.status, 0, run.stderr);
    return run.sessions.length > 0;
  });
}

// The lab's manifest: self.example's leaf is self-signed, b.example was asked of a server whose
// certificate is for a.example, expired.example's leaf ran 2020-01-01 to 2021-01-01 (and the
// client sent a fatal certificate_expired), the other leaves are valid 30 days from the lab's
// run; handshake-failure's client was capped at TLS 1.2 and got no ServerHello.
test('tls.certificate and tls.version on the TLS lab: self-signed, SNI mismatch, expired, 30 days left, no ServerHello', () => {
  const selfSigned = 'tls.certificate: { selfSigned: true }';
  const mismatch = 'tls.certificate: { nameMismatch: true }';
  assert.deepEqual(firesOnLab('self-signed', selfSigned, mismatch), [true, false]);
  assert.deepEqual(firesOnLab('sni-mismatch', selfSigned, mismatch), [false, true]);
  assert.deepEqual(firesOnLab('openssl-tls12', selfSigned, mismatch), [false, false]);
  assert.deepEqual(firesOnLab('expired', 'tls.certificate: { expiresWithin: 1h }', 'tls.alert: { description: certificate_expired }'), [true, true]);
  // The time left is measured from the capture, however long ago the lab ran.
  assert.deepEqual(firesOnLab('node-tls12', 'tls.certificate: { expiresWithin: 30d }', 'tls.certificate: { expiresWithin: 29d }'), [true, false]);
  // TLS 1.3 encrypts the certificate: nothing to judge.
  assert.deepEqual(firesOnLab('node-tls13', 'tls.certificate: { expiresWithin: 3650d, selfSigned: true }', 'tls.version: { below: "1.3" }'), [false, false]);
  assert.deepEqual(firesOnLab('handshake-failure', 'tls.version: { below: "1.3" }', 'tls.version: { below: "1.2" }', 'tls.alert'), [true, false, true]);
});

test('bad TLS trigger options: each problem at its line and column', () => {
  const file = config(
    'bad.yaml',
    'tls.alert: { description: [handshake_failure, handshake_failed] }',
    'tls.version: { below: TLSv14 }',
    'tls.certificate: { selfSigned: false }',
    'match: { sni: [a] }',
  );
  const run = runPakeana(['config', 'validate', file]);
  assert.equal(run.status, 2);
  assert.deepEqual(
    run.stderr.trim().split('\n').map((line) => line.replace(`${file}:`, '').slice(0, 80)),
    [
      '3:51: triggers.0.tls.alert.description.1: not a TLS alert name: "handshake_failed" (',
      '4:27: triggers.1.tls.version.below: not a TLS version: "TLSv14" (write 1.2, TLSv12, ',
      '5:22: triggers.2.tls.certificate: give expiresWithin, selfSigned: true or nameMismatc',
      '6:12: triggers.3.match: sni: expected a pattern (glob or /regex/)',
    ].map((line) => line.slice(0, 80)),
  );
});

const readme = readFileSync(join(root, 'packages/trigger-tls/README.md'), 'utf8');
const blocks = (language) => [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

test('the README: each YAML example is a valid config', () => {
  const examples = blocks('yaml');
  assert.ok(examples.length >= 6);
  examples.forEach((yaml, i) => {
    const file = join(dir, `readme-${i}.yaml`);
    writeFileSync(file, yaml.startsWith('plugins:') || yaml.startsWith('#') ? yaml : `plugins: [tls]\n${yaml}`);
    const run = runPakeana(['config', 'validate', file]);
    assert.equal(run.status, 0, `${yaml}\n${run.stderr}`);
  });
});

test('the README: its commands, with its first config, on tls-expired-cert.pcap', () => {
  const file = join(dir, 'tls.yaml');
  writeFileSync(file, blocks('yaml')[0]);
  const commands = blocks('sh')[0]
    .split('\n')
    .filter((line) => line.startsWith('pakeana '))
    .map((line) => line.replace(/\s+#.*$/, '').split(/\s+/).slice(1));
  const [pretty, json, validate, plugins] = commands.map((args) =>
    runPakeana(args.map((arg) => (arg === 'capture.pcap' ? join(traces, 'tls-expired-cert.pcap') : arg === 'tls.yaml' ? file : arg))),
  );
  assert.deepEqual([pretty.status, json.status, validate.status, plugins.status], [0, 0, 0, 0], pretty.stderr + json.stderr + validate.stderr);
  // Both: handshakes of 4.03 s and 3.63 s, TLS 1.0, certificates expired or expiring the next day, CBC ciphers.
  const fired = ['tls.handshake', 'tls.version', 'tls.certificate', 'record'];
  assert.deepEqual(
    json.sessions.map((s) => [s.client.port, s.triggers]).sort(([a], [b]) => a - b),
    [
      [60539, fired],
      [60540, fired],
    ],
  );
  assert.match(pretty.stdout, /tls\.handshake, tls\.version, tls\.certificate, record/);
  for (const kind of ['tls.alert', 'tls.handshake', 'tls.version', 'tls.certificate']) assert.match(plugins.stdout, new RegExp(`^  ${kind.replace('.', '\\.')} .*@pakeana/trigger-tls`, 'm'));
  assert.match(plugins.stdout, /^ {6}expiresWithin: number\|string {2,}a duration \(30d, 12h\)/m);
});
