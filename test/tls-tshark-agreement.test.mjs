// Agreement with tshark on TLS: runs `pakeana read FILE --plugin tls --all --format json` on
// Zeek's TLS traces (test/fixtures/tls-tshark/*.pcap), the TLS lab's captures
// (test/fixtures/tls-lab/*.pcap) and a few crafted ones (test/fixtures/tls-tshark/crafted/:
// traces cut, reordered or with a segment left out, a HelloRetryRequest), and compares each
// session's `tls` records with tshark 4.0's view of the same stream (FILE.json, made by
// test/tools/tls-tshark-expect.mjs): per handshake the ClientHello (SNI, versions, ciphers,
// extensions, ALPN, JA3, resumption attempts, time), the ServerHello (version, cipher,
// extensions, ALPN, JA3S, time, resumed), the key exchange group, whether it finished and
// each side's first application data, the certificate chains (subject, issuer, validity,
// serial, SANs, SHA-256, key), and per stream the alerts (side, level, description, time).
// Every difference must be listed in EXPLAINED (and in docs/tls-agreement.md, whose table
// must match it); an unexplained difference fails the test, and so does an explained one that
// no longer occurs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pakeanaBin } from './helpers.mjs';

const root = new URL('..', import.meta.url).pathname;
const fixtures = join(root, 'test/fixtures/tls-tshark');
/** Where the captures are and where tshark's views of them are; a capture is named `prefix + file`. */
const SOURCES = [
  { prefix: '', captures: fixtures, views: fixtures },
  { prefix: 'tls-lab/', captures: join(root, 'test/fixtures/tls-lab'), views: join(fixtures, 'tls-lab') },
  { prefix: 'crafted/', captures: join(fixtures, 'crafted'), views: join(fixtures, 'crafted') },
];
const names = await import(join(root, 'packages/dissector-tls/dist/names.js'));

/** Captures with STARTTLS: the TLS starts inside a cleartext protocol's stream. */
const STARTTLS = new Set(['imap-starttls.pcap', 'irc-starttls.pcap', 'pop3-starttls.pcap', 'smtp-starttls.pcap', 'xmpp-starttls.pcap', 'xmpp-dialback-starttls.pcap']);
const STARTTLS_WHY = 'STARTTLS: the TLS handshake starts mid-stream after a cleartext command; pakeana leaves STARTTLS to the cleartext protocol\'s dissector (the issue asks so) and the TLS dissector declines a stream that does not start with TLS; tshark hands the rest of the stream to TLS';

const DATA_TIME_WHY = 'the record spans several segments: pakeana times application data and encrypted alerts at the record\'s header (its first byte; it skips the bodies of such records without buffering them), tshark at the frame that completes the record';
/** [capture, field] pairs that differ for DATA_TIME_WHY. */
const DATA_TIME = [
  ...['tls-1.2-stream-keylog.pcap', 'tls1.2-late-protocol-error.pcap', 'tls1.2-protocol-violation.pcap', 'tls1.2.pcap', 'tls13draft23-chrome67.0.3368.0-canary.pcap', 'crafted/reordered-300-tls13draft23.pcap'].map((c) => [c, 'serverDataTime']),
  ...['clientDataTime', 'serverDataTime', 'alert'].map((field) => ['crafted/resegmented-7-tls1.2.pcap', field]),
];
const LOST_CERT = ['crafted/lost-cert-chrome-34-google.pcap', 'crafted/lost-cert-client-certificate.pcap', 'crafted/lost-cert-tls1.2.pcap'];
const LOST_CERT_TSHARK_WHY = 'a segment of the server\'s Certificate record is not in the capture: tshark (reassembling out-of-order segments) waits for it and dissects nothing after it on that side (no ChangeCipherSpec, no application data); pakeana skips the hole and reads the records after it';

/**
 * The differences we accept, each with its reason: capture, tshark's tcp.stream, the field
 * (as the comparison names it) and why. docs/tls-agreement.md has the same table.
 */
const EXPLAINED = [
  ...[...STARTTLS].map((capture) => ({ capture, stream: 0, field: 'starttls', why: STARTTLS_WHY })),
  ...DATA_TIME.map(([capture, field]) => ({ capture, stream: 0, field, why: DATA_TIME_WHY })),
  ...LOST_CERT.flatMap((capture) => [
    { capture, stream: 0, field: 'established', why: LOST_CERT_TSHARK_WHY },
    { capture, stream: 0, field: 'serverDataTime', why: LOST_CERT_TSHARK_WHY },
  ]),
  {
    capture: 'ssl-v2.pcap', stream: 0, field: 'ja3',
    why: 'an SSLv2 ClientHello: tshark computes JA3 only for TLS-format hellos; pakeana computes it from the SSLv2 hello (version 2, its 3-byte cipher specs, no extensions), as Zeek\'s ja3 script does',
  },
  {
    capture: 'ssl.v3.pcap', stream: 0, field: 'ja3',
    why: 'an SSLv2-compatible ClientHello (TLS 1.0 inside the SSLv2 format): tshark computes no JA3 for it; pakeana gives the JA3 of the same hello in TLS format (the value of streams 1 and 2, the same client)',
  },
  {
    capture: 'tls-fragmented-handshake.pcap', stream: 0, field: 'certificates',
    why: 'a 340 KB Certificate message split over 21 records: tshark 4.0 does not reassemble it (it shows the records as "Encrypted Handshake Message"); pakeana does and gives the chain (one certificate, CN=Bro, with thousands of SANs)',
  },
  {
    capture: 'tls-fragmented-handshake.pcap', stream: 0, field: 'sniMatchesCert',
    why: 'follows from the certificate tshark does not see (null without one); pakeana\'s false is right: the SNI is the address 104.236.167.107, the SANs are 10000 DNS names',
  },
];

const captures = SOURCES.flatMap(({ prefix, captures: dir }) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pcap')).sort().map((f) => prefix + f) : []));
const sourceOf = (capture) => SOURCES.find((s) => s.prefix && capture.startsWith(s.prefix)) ?? SOURCES[0];
const capturePath = (capture) => join(sourceOf(capture).captures, capture.slice(sourceOf(capture).prefix.length));
const readView = (capture) => JSON.parse(readFileSync(join(sourceOf(capture).views, `${capture.slice(sourceOf(capture).prefix.length)}.json`), 'utf8'));

/** Runs pakeana on one capture as a process: status, stderr and the session records. */
function runPakeana(capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pakeanaBin, 'read', capturePath(capture), '--plugin', 'tls', '--all', '--format', 'json'], { env: { ...process.env, TZ: 'UTC' } });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (status, signal) => {
      const records = Buffer.concat(out).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      resolve({ status, signal, stderr: Buffer.concat(err).toString('utf8'), sessions: records.filter((r) => r.type === 'session'), summary: records.find((r) => r.type === 'summary') });
    });
  });
}

/** Runs every capture, a few processes at a time. */
async function runAll(files, concurrency = 3) {
  const results = new Map();
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) results.set(f, await runPakeana(f));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

const runs = await runAll(captures);

// tshark gives numbers; pakeana names them with the dissector's names module.
const isGrease = (n) => (n & 0x0f0f) === 0x0a0a && n >> 8 === (n & 0xff);
const named = (list, name) => list.filter((n) => !isGrease(n)).map(name);
const LEVELS = { 1: 'warning', 2: 'fatal' };
/** TLS 1.3 and its drafts (0x7fxx) and experiments (0xfbxx) number above 0x0303. */
const isTls13 = (version) => version > 0x0303;

/** Public key algorithms and named curves by OID, as Node names them; EC key size is the curve's. */
const KEY_TYPES = {
  '1.2.840.113549.1.1.1': 'rsa', '1.2.840.113549.1.1.10': 'rsa-pss', '1.2.840.10040.4.1': 'dsa', '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519', '1.3.101.113': 'ed448', '1.3.101.110': 'x25519', '1.3.101.111': 'x448', '1.2.840.113549.1.3.1': 'dh',
};
const CURVES = {
  '1.2.840.10045.3.1.1': ['prime192v1', 192], '1.3.132.0.33': ['secp224r1', 224], '1.2.840.10045.3.1.7': ['prime256v1', 256],
  '1.3.132.0.10': ['secp256k1', 256], '1.3.132.0.34': ['secp384r1', 384], '1.3.132.0.35': ['secp521r1', 521],
};

/** Attribute names of RFC 4514 strings (OpenSSL's short names) to their OIDs, as tshark gives them. */
const ATTRIBUTE_OIDS = {
  CN: '2.5.4.3', SN: '2.5.4.4', SERIALNUMBER: '2.5.4.5', C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8', STREET: '2.5.4.9',
  O: '2.5.4.10', OU: '2.5.4.11', TITLE: '2.5.4.12', DESCRIPTION: '2.5.4.13', BUSINESSCATEGORY: '2.5.4.15', POSTALCODE: '2.5.4.17',
  NAME: '2.5.4.41', GN: '2.5.4.42', INITIALS: '2.5.4.43', GENERATIONQUALIFIER: '2.5.4.44', DNQUALIFIER: '2.5.4.46',
  PSEUDONYM: '2.5.4.65', ORGANIZATIONIDENTIFIER: '2.5.4.97', EMAILADDRESS: '1.2.840.113549.1.9.1', UNSTRUCTUREDNAME: '1.2.840.113549.1.9.2',
  DC: '0.9.2342.19200300.100.1.25', UID: '0.9.2342.19200300.100.1.1', JURISDICTIONL: '1.3.6.1.4.1.311.60.2.1.1',
  JURISDICTIONST: '1.3.6.1.4.1.311.60.2.1.2', JURISDICTIONC: '1.3.6.1.4.1.311.60.2.1.3',
};

/**
 * An RFC 4514 string (`CN=a\,b,O=c`, most specific first) as tshark's [oid, value] pairs in DER
 * order. Escapes (`\,`, `\2C`) are undone; a `#hex` value is a DER string whose content is the value.
 */
function parseDistinguishedName(dn) {
  const pairs = [];
  let attribute = '';
  let bytes = [];
  let inValue = false;
  const flush = () => {
    const raw = Buffer.from(bytes);
    const value = raw[0] === 0x23 && /^#[0-9a-fA-F]+$/.test(raw.toString()) ? derString(raw.toString().slice(1)) : raw.toString('utf8');
    pairs.push([ATTRIBUTE_OIDS[attribute.trim().toUpperCase()] ?? attribute.trim(), value]);
    attribute = '';
    bytes = [];
    inValue = false;
  };
  const text = Buffer.from(dn, 'utf8');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inValue) {
      if (c === 0x3d) inValue = true;
      else attribute += String.fromCharCode(c);
    } else if (c === 0x5c) {
      const hex = text.subarray(i + 1, i + 3).toString();
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(text[++i]);
    } else if (c === 0x2c || c === 0x2b) flush();
    else bytes.push(c);
  }
  if (inValue) flush();
  return pairs.reverse();
}

/** The content of a short DER string (tag, one length byte, content). */
const derString = (hex) => Buffer.from(hex, 'hex').subarray(2).toString('utf8');

const sideOf = (e) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
const streamKey = (a, b) => [a, b].sort().join(' <-> ');
const show = (v) => JSON.stringify(v) ?? 'undefined';

/** Compares one capture; returns its differences ({ stream, field, detail }) and the number of checks. */
function compareCapture(capture, view, run) {
  const differences = [];
  let checks = 0;
  const differ = (stream, field, got, expected, where = '') => {
    checks++;
    if (show(got) !== show(expected)) differences.push({ stream, field, detail: `${where}pakeana ${show(got)}, tshark ${show(expected)}` });
  };
  const bySession = new Map(run.sessions.map((s) => [streamKey(sideOf(s.client), sideOf(s.server)), s]));
  const compared = new Set();
  for (const stream of view.streams) {
    const key = streamKey(stream.client, stream.server);
    const session = bySession.get(key);
    compared.add(key);
    const records = session?.tls ?? [];
    if (!session) {
      differences.push({ stream: stream.stream, field: 'session', detail: `no session ${key}` });
      continue;
    }
    if (STARTTLS.has(capture) && records.length === 0) {
      differences.push({ stream: stream.stream, field: 'starttls', detail: `no tls records, tshark ${stream.handshakes.length} handshakes` });
      continue;
    }
    const flipped = sideOf(session.client) !== stream.client;
    differ(stream.stream, 'client side', flipped ? sideOf(session.server) : sideOf(session.client), stream.client);
    differ(stream.stream, 'handshakes', records.length, stream.handshakes.length);
    stream.handshakes.slice(0, records.length).forEach((h, i) => {
      const alerts = stream.alerts.filter((a) => a.handshake === i);
      compareHandshake(records[i], h, { renegotiation: i > 0, alerts }, (field, got, expected) => differ(stream.stream, field, got, expected, `handshake ${i}: `));
    });
    compareAlerts(records.flatMap((r) => r.alerts), stream.alerts, (field, got, expected, where) => differ(stream.stream, field, got, expected, where));
  }
  for (const session of run.sessions) {
    const key = streamKey(sideOf(session.client), sideOf(session.server));
    if (!compared.has(key) && session.tls?.length) differences.push({ stream: null, field: 'extra session', detail: `${key}: ${session.tls.length} tls records, tshark none` });
  }
  return { differences, checks };
}

/** A record against tshark's handshake (its place in the stream and its alerts); `differ(field, pakeana, tshark)`. */
function compareHandshake(record, h, { renegotiation, alerts }, differ) {
  const { client, server } = h;
  const v = names.versionName;
  const timeOf = (t) => (t == null ? null : Math.round(t * 1e6));
  differ('serverName', record.serverName, client?.sni ?? null);
  differ('clientVersion', record.clientVersion, client ? v(client.version) : null);
  differ('clientVersions', record.clientVersions, named(client?.versions ?? [], v));
  differ('clientCiphers', record.clientCiphers, named(client?.ciphers ?? [], names.cipherName));
  differ('clientExtensions', record.clientExtensions, named(client?.extensions ?? [], names.extensionName));
  differ('alpn', record.alpn, client?.alpn ?? []);
  differ('ja3', record.ja3, client?.ja3 ?? null);
  differ('sslv2Hello', record.sslv2Hello, client?.sslv2 ?? false);
  differ('clientHelloTime', timeOf(record.clientHelloTime), timeOf(client?.time));
  differ('helloRetryRequest', record.helloRetryRequest, !!(h.hrr && h.retry));
  const version = server ? (server.selected ?? server.version) : null;
  differ('version', record.version, version == null ? null : v(version));
  differ('cipher', record.cipher, server ? names.cipherName(server.cipher) : null);
  differ('serverExtensions', record.serverExtensions, named(server?.extensions ?? [], names.extensionName));
  differ('nextProtocol', record.nextProtocol, server?.alpn ?? null);
  differ('ja3s', record.ja3s, server?.ja3s ?? null);
  differ('serverHelloTime', timeOf(record.serverHelloTime), timeOf(server?.time));
  const group = server?.keyShare ?? h.serverCurve;
  differ('curve', record.curve, group == null ? null : names.groupName(group));
  const tls13 = version != null && isTls13(version);
  // resumed: TLS 1.3 accepted a pre-shared key (the ServerHello's pre_shared_key, 41); earlier, the server echoed the client's session id
  differ('resumed', record.resumed, tls13 ? server.extensions.includes(41) : !!(client?.sessionId && client.sessionId === server?.sessionId));
  differ('established', record.established, tls13 ? h.clientData != null && h.serverData != null : h.clientCcs && h.serverCcs);
  differ('clientDataTime', timeOf(record.clientDataTime), timeOf(h.clientData));
  differ('serverDataTime', timeOf(record.serverDataTime), timeOf(h.serverData));
  differ('renegotiation', record.renegotiation, renegotiation);
  const lastClear = alerts.filter((a) => a.desc != null).at(-1);
  differ('lastAlert', record.lastAlert, lastClear ? names.alertDescription(lastClear.desc) : null);
  differ('resumption', [...record.resumption].sort(), client ? resumptionAttempts(client) : []);
  differ('sniMatchesCert', record.sniMatchesCert, client?.sni && h.certificates.length ? nameMatches(client.sni, h.certificates[0]) : null);
  compareChain('certificates', record.certificates, h.certificates, differ);
  compareChain('clientCertificates', record.clientCertificates, h.clientCertificates, differ);
}

/** How the client tried to resume: a session id (not in a hello offering TLS 1.3), a ticket with data, a PSK. */
function resumptionAttempts(hello) {
  const offers13 = hello.versions.some((v) => !isGrease(v) && isTls13(v));
  const ways = [];
  if (hello.sessionId && !offers13) ways.push('session-id');
  if (hello.ticket > 0) ways.push('ticket');
  if (hello.extensions.includes(41)) ways.push('psk');
  return ways.sort();
}

/** The server name against the leaf's DNS SANs (its CN without any), wildcards one label deep, case aside. */
function nameMatches(serverName, leaf) {
  const dns = leaf.sans.filter((san) => typeof san === 'string' && !/^(IP|email|URI):/.test(san));
  const names = dns.length ? dns : leaf.subject.filter(([oid]) => oid === '2.5.4.3').map(([, cn]) => cn);
  const host = serverName.toLowerCase();
  return names.some((name) => {
    const pattern = name.toLowerCase();
    if (!pattern.startsWith('*.')) return pattern === host;
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot) === pattern.slice(1);
  });
}

function compareChain(field, got, expected, differ) {
  differ(field, got.length, expected.length);
  expected.slice(0, got.length).forEach((cert, i) => {
    differ(`${field}.subject`, parseDistinguishedName(got[i].subject), cert.subject);
    differ(`${field}.issuer`, parseDistinguishedName(got[i].issuer), cert.issuer);
    differ(`${field}.notBefore`, got[i].notBefore, cert.notBefore);
    differ(`${field}.notAfter`, got[i].notAfter, cert.notAfter);
    // the DER integer's hex without the sign byte a high first bit needs, as Node (and Zeek) write it
    differ(`${field}.serial`, got[i].serial, cert.serial.replace(/^00(?=[89a-f])/, '').toUpperCase());
    differ(`${field}.sans`, got[i].sans.map((san) => (san.startsWith('DirName:') ? ['DirName', parseDistinguishedName(san.slice(8))] : san)), cert.sans);
    differ(`${field}.sha256`, got[i].sha256, cert.sha256);
    const curve = CURVES[cert.key.curve];
    differ(`${field}.key`, [got[i].keyType, got[i].keyBits, got[i].keyCurve], [KEY_TYPES[cert.key.algorithm] ?? cert.key.algorithm, curve ? curve[1] : cert.key.bits, curve ? curve[0] : null]);
  });
}

/** The stream's alerts in order, pakeana's across its records. */
function compareAlerts(got, expected, differ) {
  differ('alerts', got.length, expected.length);
  expected.slice(0, got.length).forEach((a, i) => {
    const mine = got[i];
    const where = `alert ${i}: `;
    differ('alert', [mine.from, mine.level, mine.description, Math.round(mine.time * 1e6)], [a.from, a.level == null ? null : (LEVELS[a.level] ?? `unknown(${a.level})`), a.desc == null ? null : names.alertDescription(a.desc), Math.round(a.time * 1e6)], where);
  });
}

test('tls: every capture runs without a crash, exits 0 and counts no plugin error', () => {
  const problems = [];
  for (const [file, run] of runs) {
    if (run.status !== 0) problems.push(`${file}: exit ${run.status ?? run.signal}: ${run.stderr.split('\n')[0]}`);
    if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) problems.push(`${file}: stack trace on stderr`);
    const errors = run.summary?.pluginErrors ?? {};
    if (Object.keys(errors).length) problems.push(`${file}: plugin errors ${JSON.stringify(errors)}`);
  }
  assert.deepEqual(problems, []);
});

test('tls: DTLS (over UDP) is passed over: no TLS record', () => {
  const dtls = captures.filter((f) => readView(f).dtls > 0);
  assert.ok(dtls.length >= 6, `DTLS captures: ${dtls.join(', ')}`);
  for (const f of dtls) assert.deepEqual(runs.get(f).sessions.filter((s) => s.tls?.length).map((s) => s.id), [], f);
});

test('tls: pakeana agrees with tshark on handshakes, certificates and alerts, or the difference is explained', () => {
  const unexplained = [];
  const used = new Set();
  let streams = 0;
  let checks = 0;
  for (const capture of captures) {
    const view = readView(capture);
    streams += view.streams.length;
    const { differences, checks: made } = compareCapture(capture, view, runs.get(capture));
    checks += made;
    for (const d of differences) {
      const entry = EXPLAINED.find((e) => e.capture === capture && e.stream === d.stream && e.field === d.field);
      if (entry) used.add(entry);
      else unexplained.push(`${capture} stream ${d.stream} ${d.field}: ${d.detail}`);
    }
  }
  const stale = EXPLAINED.filter((e) => !used.has(e)).map((e) => `${e.capture} stream ${e.stream} ${e.field}: explained but no longer differs`);
  console.log(`tls: ${captures.length} captures, ${streams} TLS streams, ${checks} checks, ${used.size} explained differences, ${unexplained.length} unexplained`);
  assert.deepEqual([...unexplained, ...stale], []);
});

test('tls: docs/tls-agreement.md lists exactly the explained differences', () => {
  const doc = readFileSync(join(root, 'docs/tls-agreement.md'), 'utf8');
  const rows = doc
    .split('\n')
    .filter((l) => /^\| `[^`]+\.pcap` \|/.test(l))
    .map((l) => l.split('|').slice(1, 4).map((c) => c.trim().replace(/`/g, '')))
    .map(([capture, stream, field]) => `${capture} ${stream} ${field}`);
  assert.deepEqual(rows.sort(), EXPLAINED.map((e) => `${e.capture} ${e.stream} ${e.field}`).sort());
});

const hasTshark = !spawnSync('tshark', ['--version']).error;

test('tls: the generator writes the committed tshark views again', { skip: !hasTshark && 'tshark is not installed' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'tls-tshark-'));
  try {
    const sample = ['tls1.2.pcap', 'ssl-v2.pcap', 'tls-expired-cert.pcap'];
    const r = spawnSync(process.execPath, [join(root, 'test/tools/tls-tshark-expect.mjs'), '--out', out, ...sample.map(capturePath)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const f of sample) assert.equal(readFileSync(join(out, `${f}.json`), 'utf8'), readFileSync(join(fixtures, `${f}.json`), 'utf8'), f);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
