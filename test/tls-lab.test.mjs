// Real TLS from the lab (test/lab/tls-lab.sh: openssl and Node between two network
// namespaces): `pakeana read F --plugin tls --all --format json` run as a process must give
// what test/fixtures/tls-lab/manifest.json says of each scenario, and agree with tshark's view
// of it (F.tshark-tls.json, made by test/lab/tshark-tls-view.mjs). First on the committed
// captures; then, as root with `ip netns`, tcpdump and openssl, on a fresh run of the lab
// (new certificates, new capture), compared with tshark too when it is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/tls-lab');
const lab = join(root, 'test/lab');
const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8'));
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const endpoint = (e) => `${e.ip}:${e.port}`;
const certificateView = ({ subject, issuer, notBefore, notAfter, sans }) => ({ subject, issuer, notBefore, notAfter, sans });

/** The manifest's derived keys (see its `about`); any other key is the record's own field. */
const DERIVED = {
  chainLength: (r) => r.certificates.length,
  leaf: (r, want) => (r.certificates[0] ? Object.fromEntries(Object.keys(want).map((k) => [k, r.certificates[0][k]])) : null),
  expired: (r) => (r.certificates[0] ? Date.parse(r.certificates[0].notAfter) / 1000 < r.clientHelloTime : null),
  clientCertificate: (r) => r.clientCertificates[0]?.subject ?? null,
  clearAlerts: (r) => r.alerts.filter((a) => a.level !== null).map(({ from, level, description }) => ({ from, level, description })),
  encryptedAlerts: (r) => r.alerts.filter((a) => a.level === null).length,
};

/**
 * pakeana's sessions of a capture in start order, each with its TLS records and the first
 * (or null); `failures`: a failed run, plugin errors, and marks (every TLS mark is an anomaly,
 * and the lab's traffic has none).
 */
function readTls(name, file) {
  const run = runPakeana(['read', file, '--plugin', 'tls', '--all', '--format', 'json']);
  const failures = [];
  if (run.status !== 0) failures.push(`${name}: pakeana exits ${run.status}: ${run.stderr.split('\n')[0]}`);
  if (!same(run.summary?.pluginErrors ?? {}, {})) failures.push(`${name}: plugin errors ${JSON.stringify(run.summary?.pluginErrors)}: ${run.stderr.split('\n')[0]}`);
  const sessions = run.sessions.sort((a, b) => a.start - b.start);
  for (const s of sessions) if (s.marks.length) failures.push(`${name} ${endpoint(s.client)}: marks ${JSON.stringify(s.marks)}`);
  return { failures, sessions: sessions.map((s) => ({ session: s, records: s.tls ?? [], tls: s.tls?.[0] ?? null })) };
}

/** One line per difference between what `got` (readTls) shows and the manifest's `wanted` sessions. */
function manifestFailures(name, got, wanted) {
  const failures = [];
  if (got.length !== wanted.length) return [`${name}: ${got.length} sessions, the manifest has ${wanted.length}`];
  wanted.forEach((want, i) => {
    const where = `${name} session ${i + 1} (${endpoint(got[i].session.client)})`;
    const r = got[i].tls;
    if (!r) return failures.push(`${where}: no TLS record (protocol ${got[i].session.protocol})`);
    if (got[i].records.length !== 1) failures.push(`${where}: ${got[i].records.length} TLS records, one expected`);
    if (got[i].session.protocol !== 'tls') failures.push(`${where}: protocol ${got[i].session.protocol}, not tls`);
    for (const [key, value] of Object.entries(want)) {
      const actual = key in DERIVED ? DERIVED[key](r, value) : r[key];
      if (!same(actual, value)) failures.push(`${where}: ${key} is ${JSON.stringify(actual)}, the manifest says ${JSON.stringify(value)}`);
    }
    failures.push(...timingFailures(where, r));
  });
  return failures;
}

/** The times come in handshake order: ClientHello, ServerHello, then each side's first data. */
function timingFailures(where, r) {
  const failures = [];
  const order = (earlier, later) => {
    if (r[later] !== null && !(r[earlier] !== null && r[earlier] <= r[later])) failures.push(`${where}: ${earlier} ${r[earlier]} is not before ${later} ${r[later]}`);
  };
  if (r.clientHelloTime === null) failures.push(`${where}: no clientHelloTime`);
  order('clientHelloTime', 'serverHelloTime');
  order('serverHelloTime', 'clientDataTime');
  order('serverHelloTime', 'serverDataTime');
  if (r.established && (r.clientDataTime === null || r.serverDataTime === null)) failures.push(`${where}: established without data times`);
  return failures;
}

/** One line per field where pakeana and tshark's view (tshark-tls-view.mjs) of the same connection differ. */
function tsharkFailures(name, got, view) {
  const failures = [];
  const byClient = new Map(got.map((g) => [endpoint(g.session.client), g.tls]));
  if (got.length !== view.sessions.length) failures.push(`${name}: ${got.length} sessions, tshark ${view.sessions.length}`);
  for (const t of view.sessions) {
    const r = byClient.get(t.client);
    if (!r) {
      failures.push(`${name} ${t.client}: no TLS record where tshark sees one`);
      continue;
    }
    const ours = {
      ...Object.fromEntries(['serverName', 'alpn', 'resumption', 'version', 'cipher', 'nextProtocol', 'resumed', 'helloRetryRequest', 'ja3', 'ja3s'].map((k) => [k, r[k]])),
      certificates: r.certificates.map(certificateView),
      clientCertificates: r.clientCertificates.map(certificateView),
      alerts: r.alerts.map(({ from, level, description }) => ({ from, level, description })),
    };
    for (const [key, value] of Object.entries(ours)) {
      if (!same(value, t[key])) failures.push(`${name} ${t.client}: ${key} is ${JSON.stringify(value)}, tshark ${JSON.stringify(t[key])}`);
    }
  }
  return failures;
}

const scenarios = Object.entries(manifest.scenarios);

test('the lab fixtures: one capture and one tshark view per scenario of the manifest', () => {
  for (const [name] of scenarios) {
    assert.ok(readJson(join(fixtures, `${name}.pcap.tshark-tls.json`)).sessions.length > 0, `${name}: tshark's view has sessions`);
  }
});

for (const [name, { what, sessions }] of scenarios) {
  test(`lab capture ${name}: ${what}`, () => {
    const file = join(fixtures, `${name}.pcap`);
    const { failures, sessions: got } = readTls(name, file);
    failures.push(...manifestFailures(name, got, sessions), ...tsharkFailures(name, got, readJson(`${file}.tshark-tls.json`)));
    assert.deepEqual(failures, []);
  });
}

/** The display lines of `--format pretty` (the default), arrows left out. */
const DISPLAY = {
  'openssl-tls12': ['ClientHello rsa.example TLS1.2', 'ServerHello TLS1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'Certificate CN=rsa.example (expires 2027-01-01)', 'Alert encrypted', 'Alert encrypted'],
  'openssl-tls13': ['ClientHello lab.example TLS1.3', 'ServerHello TLS1.3 TLS_AES_128_GCM_SHA256'],
  'handshake-failure': ['ClientHello lab.example TLS1.2', 'Alert fatal handshake_failure'],
  expired: ['ClientHello expired.example TLS1.2', 'ServerHello TLS1.2 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'Certificate CN=expired.example (expires 2021-01-01)', 'Alert fatal certificate_expired'],
  'node-http2': ['ClientHello lab.example alpn=h2 TLS1.2', 'ServerHello TLS1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 alpn=h2',
    'Certificate CN=lab.example (expires 2027-01-01)', 'Alert encrypted', 'Alert encrypted'],
};
for (const [name, lines] of Object.entries(DISPLAY)) {
  test(`lab capture ${name}: the pretty output's DPI:TLS lines`, () => {
    const run = runPakeana(['read', join(fixtures, `${name}.pcap`), '--plugin', 'tls', '--all']);
    assert.equal(run.status, 0, run.stderr);
    const shown = run.stdout.split('\n').filter((l) => l.startsWith('DPI:TLS:')).map((l) => l.replace(/^DPI:TLS:(\w+) [<>]+ /, '$1 '));
    assert.deepEqual(shown, lines);
  });
}

function whyNoLiveLab() {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, packet capture)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'needs `ip netns` (iproute2)';
  if (spawnSync('tcpdump', ['--version']).status !== 0) return 'needs tcpdump';
  if (spawnSync('openssl', ['version']).status !== 0) return 'needs openssl';
  return null;
}
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

test(`live lab: every scenario made afresh between two namespaces gives what the manifest says${hasTshark ? ' and agrees with tshark' : ' (tshark not installed: manifest only)'}`, { skip: whyNoLiveLab() ?? false, timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-tls-lab-'));
  try {
    const made = spawnSync('bash', [join(lab, 'tls-lab.sh'), dir], { encoding: 'utf8', timeout: 40_000 });
    assert.equal(made.status, 0, `tls-lab.sh ran: ${made.stderr}`);
    const files = scenarios.map(([name]) => join(dir, `${name}.pcap`));
    if (hasTshark) {
      const viewed = spawnSync(process.execPath, [join(lab, 'tshark-tls-view.mjs'), ...files], { encoding: 'utf8', timeout: 40_000 });
      assert.equal(viewed.status, 0, `tshark-tls-view.mjs ran: ${viewed.stderr}`);
    }
    const failures = scenarios.flatMap(([name, { sessions }], i) => {
      const { failures, sessions: got } = readTls(name, files[i]);
      return [...failures, ...manifestFailures(name, got, sessions), ...(hasTshark ? tsharkFailures(name, got, readJson(`${files[i]}.tshark-tls.json`)) : [])];
    });
    assert.deepEqual(failures, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's TLS example prints what the README shows", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /^\$ npx pakeana (read test\/fixtures\/tls-lab\/\S+ [^\n]*)\n([^]*?)^```/m.exec(readme);
  assert.ok(block, 'the README has the TLS example');
  const run = runPakeana(block[1].split(' '), { cwd: root });
  assert.equal(run.status, 0, run.stderr);
  const shown = block[2].split('\n').filter((line) => line !== '' && line !== '...');
  assert.equal(shown.length, 5);
  for (const line of shown) assert.ok(run.stdout.split('\n').includes(line), `the README shows a line the run does not print: ${line}`);
});
