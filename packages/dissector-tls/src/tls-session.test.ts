import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Direction } from '@pakeana/framework';
import { fakeContext, type FakeContext } from '@pakeana/framework/testing';
import { heldBodies } from './framing.js';
import tls from './index.js';
import { tlsRecordSchema, type TlsHandshake } from './tls-record.js';
import type { TlsSession } from './tls-session.js';
import {
  HRR_RANDOM,
  TLS10,
  TLS12,
  TLS13,
  alert,
  certificate,
  changeCipherSpec,
  clientHello,
  clientKeyExchange,
  encrypted,
  ext,
  fixture,
  handshake,
  record,
  serverHello,
  serverHelloDone,
  serverKeyExchange,
  sslv2ClientHello,
} from './crafted.test.helpers.js';

type Chunk = [Direction, Buffer];

interface Run {
  context: FakeContext<TlsHandshake>;
  session: TlsSession;
  /** Feeds bytes inside a larger buffer (as `dataRange` gets them: a range of a captured packet). */
  feed(dir: Direction, bytes: Buffer, pieces?: number): void;
}

function start(options: Record<string, unknown> = {}, displaying = true): Run {
  const context = fakeContext<TlsHandshake>({ dissector: tls, options, server: '10.0.0.2:443', displaying });
  const session = tls.create(context) as TlsSession;
  const feed = (dir: Direction, bytes: Buffer, pieces = 1) => {
    const size = Math.ceil(bytes.length / pieces);
    for (let at = 0; at < bytes.length; at += size) {
      const piece = bytes.subarray(at, at + size);
      const packet = Buffer.concat([Buffer.alloc(54, 0xaa), piece, Buffer.alloc(4, 0xbb)]);
      session.dataRange(dir, packet, 54, piece.length, context.now);
      context.now += 0.001;
    }
  };
  return { context, session, feed };
}

function run(chunks: Chunk[], options: Record<string, unknown> = {}): Run {
  const r = start(options);
  for (const [dir, bytes] of chunks) r.feed(dir, bytes);
  r.session.end('fin');
  return r;
}

const leaf = fixture('leaf.der');
const ca = fixture('ca.der');

const sni = (name: string) => ext.serverName(name);
const tls12ClientHello = (name = 'example.com') =>
  clientHello({ ciphers: [0x0a0a, 0xc02f, 0x009c], extensions: [sni(name), ext.alpn(['h2', 'http/1.1']), ext.supportedGroups([0x1d, 0x17]), ext.pointFormats()] });

/** A whole TLS 1.2 ECDHE handshake and a little application data. */
function tls12Handshake(name = 'example.com'): Chunk[] {
  return [
    ['client', record(22, tls12ClientHello(name), TLS10)],
    ['server', record(22, Buffer.concat([serverHello({ extensions: [ext.serverAlpn('h2')] }), certificate([leaf, ca]), serverKeyExchange(0x1d), serverHelloDone()]))],
    ['client', Buffer.concat([record(22, clientKeyExchange()), changeCipherSpec(), encrypted(22, 40)])],
    ['server', Buffer.concat([changeCipherSpec(), encrypted(22, 40)])],
    ['client', encrypted(23, 300)],
    ['server', encrypted(23, 1200)],
    ['client', encrypted(21, 26)],
  ];
}

test('a TLS 1.2 handshake gives one record with every field of the schema', () => {
  const { context } = run(tls12Handshake());
  assert.equal(context.records.length, 1);
  const r = context.records[0];
  tlsRecordSchema().parse(r); // every field there, of its type, nothing else
  assert.equal(r.version, 'TLSv12');
  assert.equal(r.cipher, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.equal(r.curve, 'x25519');
  assert.equal(r.serverName, 'example.com');
  assert.deepEqual(r.alpn, ['h2', 'http/1.1']);
  assert.equal(r.nextProtocol, 'h2');
  assert.equal(r.clientVersion, 'TLSv12');
  assert.deepEqual(r.clientCiphers, ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
  assert.deepEqual(r.clientExtensions, ['server_name', 'application_layer_protocol_negotiation', 'supported_groups', 'ec_point_formats']);
  assert.deepEqual(r.serverExtensions, ['application_layer_protocol_negotiation']);
  assert.equal(r.established, true);
  assert.equal(r.resumed, false);
  assert.equal(r.subject, 'CN=example.com,O=Example\\, Inc.,C=US');
  assert.equal(r.issuer, 'CN=Example Test CA,O=Example Trust,C=US');
  assert.equal(r.certificates.length, 2);
  assert.equal(r.sniMatchesCert, true);
  assert.deepEqual(r.alerts.map((a) => [a.from, a.level, a.description]), [['client', null, null]]);
  assert.equal(r.lastAlert, null, 'an encrypted alert is no alert seen in clear');
  assert.ok(r.clientHelloTime! < r.serverHelloTime! && r.serverHelloTime! < r.clientDataTime! && r.clientDataTime! < r.serverDataTime!);
  assert.match(r.ja3!, /^[0-9a-f]{32}$/);
  assert.match(r.ja4!, /^t12d/);
  assert.deepEqual(context.marks, []);
  assert.deepEqual(context.calls, ['confirm']);
});

test('records and handshake messages split anywhere give the same record', () => {
  const whole = run(tls12Handshake()).context.records[0];
  for (const pieces of [2, 3, 7, 50, 1000]) {
    const r = start();
    for (const [dir, bytes] of tls12Handshake()) r.feed(dir, bytes, pieces);
    r.session.end('fin');
    const split = r.context.records[0];
    assert.deepEqual({ ...split, clientHelloTime: 0, serverHelloTime: 0, clientDataTime: 0, serverDataTime: 0, alerts: [] }, { ...whole, clientHelloTime: 0, serverHelloTime: 0, clientDataTime: 0, serverDataTime: 0, alerts: [] }, `in ${pieces} pieces`);
  }
});

test('a handshake message across several records, and several messages in one record', () => {
  const flight = Buffer.concat([serverHello(), certificate([leaf, ca]), serverKeyExchange(0x17), serverHelloDone()]);
  // The flight cut into records of 100 bytes: the certificate spans many of them.
  const records: Buffer[] = [];
  for (let at = 0; at < flight.length; at += 100) records.push(record(22, flight.subarray(at, at + 100)));
  const { context } = run([
    ['client', record(22, tls12ClientHello())],
    ['server', Buffer.concat(records)],
  ]);
  const r = context.records[0];
  assert.equal(r.certificates.length, 2);
  assert.equal(r.curve, 'secp256r1');
  assert.equal(r.established, false);
});

test('display lines as the issue shows them, and none when no printer wants them', () => {
  const { context } = run([...tls12Handshake(), ['server', alert(2, 40)]]);
  assert.deepEqual(
    context.displayLines.map((l) => `${l.label} ${l.dir} ${l.text}`),
    [
      'ClientHello client example.com alpn=h2,http/1.1 TLS1.2',
      'ServerHello server TLS1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 alpn=h2',
      'Certificate server CN=example.com,O=Example\\, Inc.,C=US (expires 2027-01-02)',
      'Alert client encrypted',
      'Alert server encrypted',
    ],
  );
  const quiet = start({}, false);
  for (const [dir, bytes] of tls12Handshake()) quiet.feed(dir, bytes);
  quiet.session.end('fin');
  assert.deepEqual(quiet.context.displayLines, []);
  assert.equal(quiet.context.records.length, 1);
});

test('TLS 1.3 with a HelloRetryRequest: the second ClientHello, the group asked for, established by the client\'s first encrypted record', () => {
  const offer = (group: number) =>
    record(22, clientHello({ sessionId: Buffer.alloc(32, 8), ciphers: [0x1301, 0x1302], extensions: [sni('example.com'), ext.supportedVersions([0x3a3a, TLS13, TLS12]), ext.supportedGroups([0x1d, 0x18]), ext.clientKeyShare(group)] }), TLS10);
  const { context } = run([
    ['client', offer(0x1d)],
    ['server', record(22, serverHello({ random: HRR_RANDOM, sessionId: Buffer.alloc(32, 8), cipher: 0x1301, extensions: [ext.selectedVersion(TLS13), ext.retryKeyShare(0x18)] }))],
    ['server', changeCipherSpec()],
    ['client', Buffer.concat([changeCipherSpec(), offer(0x18)])],
    ['server', Buffer.concat([record(22, serverHello({ sessionId: Buffer.alloc(32, 8), cipher: 0x1301, extensions: [ext.selectedVersion(TLS13), ext.serverKeyShare(0x18)] })), encrypted(23, 2000)])],
    ['client', encrypted(23, 60)],
  ]);
  assert.equal(context.records.length, 1);
  const r = context.records[0];
  assert.equal(r.helloRetryRequest, true);
  assert.equal(r.version, 'TLSv13');
  assert.equal(r.cipher, 'TLS_AES_128_GCM_SHA256');
  assert.equal(r.curve, 'secp384r1');
  assert.deepEqual(r.clientVersions, ['TLSv13', 'TLSv12']);
  assert.deepEqual(r.resumption, [], 'a TLS 1.3 hello\'s session id does not count');
  assert.equal(r.established, true);
  assert.deepEqual(r.certificates, []);
  assert.deepEqual(
    context.displayLines.map((l) => `${l.label} ${l.text}`),
    ['ClientHello example.com TLS1.3', 'HelloRetryRequest TLS1.3 TLS_AES_128_GCM_SHA256 group=secp384r1', 'ClientHello example.com TLS1.3', 'ServerHello TLS1.3 TLS_AES_128_GCM_SHA256'],
  );
});

test('TLS 1.3 stops reading the server\'s handshake in clear after its ServerHello; an alert record is still in clear', () => {
  const { context } = run([
    ['client', record(22, clientHello({ extensions: [ext.supportedVersions([TLS13])] }))],
    ['server', record(22, Buffer.concat([serverHello({ cipher: 0x1301, extensions: [ext.selectedVersion(TLS13), ext.serverKeyShare(0x1d)] }), certificate([Buffer.from('not a certificate')])]))],
    ['server', alert(2, 80)],
  ]);
  assert.deepEqual(context.marks, []);
  const r = context.records[0];
  assert.deepEqual(r.certificates, []);
  assert.deepEqual(r.alerts.map((a) => [a.from, a.level, a.description]), [['server', 'fatal', 'internal_error']]);
});

test('resumption: a session id echoed, and a ticket answered by an abbreviated handshake', () => {
  const id = Buffer.alloc(32, 0x42);
  const echoed = run([
    ['client', record(22, clientHello({ sessionId: id }))],
    ['server', Buffer.concat([record(22, serverHello({ sessionId: id })), changeCipherSpec(), encrypted(22, 40)])],
    ['client', Buffer.concat([changeCipherSpec(), encrypted(22, 40)])],
  ]).context.records[0];
  assert.equal(echoed.resumed, true);
  assert.deepEqual(echoed.resumption, ['session-id']);
  assert.equal(echoed.established, true);

  const ticket = run([
    ['client', record(22, clientHello({ extensions: [ext.sessionTicket(Buffer.alloc(100, 1))] }))],
    ['server', Buffer.concat([record(22, Buffer.concat([serverHello({ sessionId: Buffer.alloc(32, 3) }), handshake(4, Buffer.alloc(20))])), changeCipherSpec(), encrypted(22, 40)])],
  ]).context.records[0];
  assert.equal(ticket.resumed, true);
  assert.deepEqual(ticket.resumption, ['ticket']);

  const full = run(tls12Handshake()).context.records[0];
  assert.equal(full.resumed, false);
});

test('a new ClientHello in clear after a handshake: the first record goes out, a renegotiation record follows', () => {
  const { context } = run([
    ['client', record(22, tls12ClientHello('first.example'))],
    ['server', record(22, Buffer.concat([serverHello(), serverHelloDone()]))],
    ['client', record(22, tls12ClientHello('second.example'))],
    ['server', record(22, serverHello({ cipher: 0x009c }))],
  ]);
  assert.deepEqual(
    context.records.map((r) => [r.serverName, r.cipher, r.renegotiation]),
    [
      ['first.example', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false],
      ['second.example', 'TLS_RSA_WITH_AES_128_GCM_SHA256', true],
    ],
  );
});

test('an SSLv2-compatible ClientHello answered in TLS 1.0', () => {
  const { context } = run([
    ['client', sslv2ClientHello(TLS10, [0x00c014, 0x00002f, 0x010080])],
    ['server', record(22, Buffer.concat([serverHello({ version: TLS10, cipher: 0xc014 }), certificate([leaf]), serverHelloDone()]), TLS10)],
  ]);
  const r = context.records[0];
  assert.equal(r.sslv2Hello, true);
  assert.equal(r.clientVersion, 'TLSv10');
  assert.deepEqual(r.clientCiphers.slice(0, 2), ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA']);
  assert.equal(r.version, 'TLSv10');
  assert.equal(r.certificates.length, 1);
  assert.equal(r.sniMatchesCert, null, 'no SNI in an SSLv2 hello');
});

test('alerts in clear: level, description, side, time; several in one record', () => {
  const { context } = run([
    ['client', record(22, tls12ClientHello())],
    ['server', record(21, Buffer.from([1, 112, 2, 40]))],
  ]);
  const r = context.records[0];
  assert.deepEqual(
    r.alerts.map((a) => [a.from, a.level, a.description]),
    [
      ['server', 'warning', 'unrecognized_name'],
      ['server', 'fatal', 'handshake_failure'],
    ],
  );
  assert.equal(r.lastAlert, 'handshake_failure');
  assert.equal(r.version, null);
  assert.deepEqual(
    context.displayLines.filter((l) => l.label === 'Alert').map((l) => l.text),
    ['warning unrecognized_name', 'fatal handshake_failure'],
  );
});

test('heartbeats: marked; a request that claims more than its record is Heartbleed, in clear and encrypted', () => {
  const hello = (): Chunk => ['client', record(22, tls12ClientHello())];
  const marks = (chunks: Chunk[]) => [...new Set(run(chunks).context.marks)]; // the session keeps each mark once
  assert.deepEqual(marks([hello(), ['client', record(24, Buffer.concat([Buffer.from([1, 0, 16]), Buffer.alloc(16 + 16)]))]]), ['tls.heartbeat']);
  assert.deepEqual(marks([hello(), ['client', record(24, Buffer.from([1, 0x40, 0x00]))]]), ['tls.heartbeat', 'tls.heartbleed']);
  assert.deepEqual(marks([...tls12Handshake(), ['client', encrypted(24, 40)], ['server', encrypted(24, 16416)]]), ['tls.heartbeat', 'tls.heartbleed']);
  assert.deepEqual(marks([...tls12Handshake(), ['client', encrypted(24, 40)], ['server', encrypted(24, 40)]]), ['tls.heartbeat']);
  assert.deepEqual(marks([...tls12Handshake(), ['client', encrypted(24, 12)]]), ['tls.heartbeat', 'tls.heartbleed'], 'shorter than any valid request');
});

test('certificates: the client chain, a certificate Node cannot read, a name that does not match', () => {
  const { context } = run([
    ['client', record(22, tls12ClientHello('other.example.org'))],
    ['server', record(22, Buffer.concat([serverHello(), certificate([Buffer.from('garbage'), leaf]), serverHelloDone()]))],
    ['client', record(22, Buffer.concat([certificate([fixture('self.der')]), clientKeyExchange()]))],
  ]);
  const r = context.records[0];
  assert.deepEqual(context.marks, ['tls.bad-certificate']);
  assert.equal(r.certificates.length, 1);
  assert.equal(r.subject, 'CN=example.com,O=Example\\, Inc.,C=US');
  assert.equal(r.sniMatchesCert, false);
  assert.deepEqual(r.clientCertificates.map((c) => [c.subject, c.selfSigned]), [['CN=self.test+OU=Ops,O=Acme\\, GmbH,C=DE', true]]);
});

test('certificates: option certificates=false leaves chains empty', () => {
  const r = run(tls12Handshake(), { certificates: false }).context.records[0];
  assert.deepEqual(r.certificates, []);
  assert.equal(r.subject, null);
  assert.equal(r.sniMatchesCert, null);
});

test('the curve only from an ECDHE ServerKeyExchange', () => {
  const rsa = run([
    ['client', record(22, tls12ClientHello())],
    ['server', record(22, Buffer.concat([serverHello({ cipher: 0x009c }), serverKeyExchange(0x1d)]))],
  ]).context.records[0];
  assert.equal(rsa.curve, null);
});

test('bytes that are not TLS are rejected at once, before anything is emitted', () => {
  const { context } = run([['client', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]]);
  assert.deepEqual(context.calls, ['reject: client bytes are not TLS records']);
  assert.deepEqual(context.records, []);
});

test('a ClientHello that does not parse: rejected before a confirm, marked after', () => {
  const broken = record(22, handshake(1, Buffer.from([3, 3, 0])));
  assert.match(run([['client', broken]]).context.calls[0], /^reject: client: tls\.bad-client-hello/);
  const later = run([['client', record(22, tls12ClientHello())], ['server', record(22, handshake(2, Buffer.from([3])))]]).context;
  assert.deepEqual(later.marks, ['tls.bad-server-hello']);
  assert.equal(later.records.length, 1);
});

test('malformed records after a confirm: marked, that direction stops, the other goes on', () => {
  const tooLong = Buffer.from([22, 3, 3, 0x48, 0x01]);
  const { context } = run([
    ['client', record(22, tls12ClientHello())],
    ['client', tooLong],
    ['client', record(21, Buffer.from([2, 40]))],
    ['server', record(22, serverHello())],
    ['server', Buffer.from([99, 3, 3, 0, 2, 0, 0])],
  ]);
  assert.deepEqual(context.marks, ['tls.record-too-long', 'tls.bad-record-header']);
  const r = context.records[0];
  assert.deepEqual(r.alerts, [], 'nothing read after the bad header');
  assert.equal(r.version, 'TLSv12');
});

test('lengths that lie: a handshake length past its records, odd alerts, a short heartbeat, truncated at the end', () => {
  const { context } = run([
    ['client', record(22, tls12ClientHello())],
    ['server', record(22, Buffer.concat([serverHello(), Buffer.from([11, 0, 0x10, 0, 0, 0x0f, 0xff])]))],
    ['server', record(21, Buffer.from([2]))],
    ['client', record(24, Buffer.from([1]))],
    ['client', Buffer.from([22, 3, 3, 0x10])], // a header cut short by the end
  ]);
  assert.deepEqual(context.marks, ['tls.bad-alert', 'tls.heartbeat', 'tls.bad-heartbeat']);
  assert.equal(context.records[0].version, 'TLSv12');
});

test('a certificate list whose lengths do not add up is marked', () => {
  const { context } = run([
    ['client', record(22, tls12ClientHello())],
    ['server', record(22, Buffer.concat([serverHello(), handshake(11, Buffer.from([0, 0, 9, 0, 0, 20, 1, 2, 3, 4, 5, 6]))]))],
  ]);
  assert.deepEqual(context.marks, ['tls.bad-certificate-message']);
});

test('a 16 MB handshake message is skipped by count: marked, bounded memory, the next message read', () => {
  const r = start();
  r.feed('client', record(22, tls12ClientHello()));
  r.feed('server', record(22, serverHello()));
  const size = 2 ** 24 - 1; // the longest a handshake length can say
  // The header, then 16 MB of records of 16 KiB, in 1448-byte segments.
  const fragment = Buffer.alloc(16384, 0x30);
  let sent = 0;
  let peak = 0;
  r.feed('server', record(22, Buffer.from([11, size >> 16, (size >> 8) & 0xff, size & 0xff])));
  while (sent < size) {
    const n = Math.min(fragment.length, size - sent);
    r.feed('server', record(22, fragment.subarray(0, n)), 12);
    sent += n;
    peak = Math.max(peak, r.session.buffered);
  }
  r.feed('server', record(22, Buffer.concat([serverKeyExchange(0x1d), serverHelloDone()])));
  r.session.end('fin');
  assert.deepEqual(r.context.marks, ['tls.handshake-too-large']);
  assert.ok(peak <= 16384 + 5, `at most one record buffered, the message never (peak ${peak})`);
  assert.equal(r.context.records[0].curve, 'x25519');
});

test('maxHandshakeMessage bounds a message: one just over it is skipped, one at it is read', () => {
  const body = Buffer.concat([serverHello(), certificate([leaf])]);
  const certLength = certificate([leaf]).length - 4;
  const over = run([['client', record(22, tls12ClientHello())], ['server', record(22, body)]], { maxHandshakeMessage: certLength - 1 }).context;
  assert.deepEqual(over.marks, ['tls.handshake-too-large']);
  assert.deepEqual(over.records[0].certificates, []);
  const at = run([['client', record(22, tls12ClientHello())], ['server', record(22, body)]], { maxHandshakeMessage: certLength }).context;
  assert.equal(at.records[0].certificates.length, 1);
});

test('gaps: inside application data the stream stays in step; inside a handshake record its messages are lost; at a record boundary reading stops', () => {
  const inData = start();
  for (const [dir, bytes] of tls12Handshake()) inData.feed(dir, bytes);
  inData.feed('server', encrypted(23, 1000).subarray(0, 300));
  inData.session.gap('server', 500, inData.context.now);
  inData.feed('server', Buffer.concat([Buffer.alloc(205), encrypted(21, 26)]));
  inData.session.end('fin');
  assert.deepEqual(inData.context.marks, []);
  assert.equal(inData.context.records[0].alerts.length, 2, 'the alert after the hole is read');

  const inHandshake = start();
  inHandshake.feed('client', record(22, tls12ClientHello()));
  const flight = record(22, Buffer.concat([serverHello(), certificate([leaf])]));
  inHandshake.feed('server', flight.subarray(0, 200));
  inHandshake.session.gap('server', 100, inHandshake.context.now);
  inHandshake.feed('server', Buffer.concat([flight.subarray(300), record(21, Buffer.from([2, 40]))]));
  inHandshake.session.end('fin');
  assert.deepEqual(inHandshake.context.marks, ['tls.gap-in-handshake']);
  assert.equal(inHandshake.context.records[0].lastAlert, 'handshake_failure', 'records after the hole still read');

  const atBoundary = start();
  atBoundary.feed('client', record(22, tls12ClientHello()));
  atBoundary.session.gap('client', 100, atBoundary.context.now);
  atBoundary.feed('client', record(21, Buffer.from([2, 40])));
  atBoundary.session.end('fin');
  assert.deepEqual(atBoundary.context.marks, ['tls.gap-lost-sync']);
  assert.deepEqual(atBoundary.context.records[0].alerts, []);
});

test('a capture begun mid-connection: application data records in a row are TLS, marked tls.midstream', () => {
  const { context } = run([
    ['client', Buffer.concat([encrypted(23, 100), encrypted(23, 50)])],
    ['server', encrypted(23, 400)],
  ]);
  assert.deepEqual(context.marks, ['tls.midstream']);
  assert.deepEqual(context.calls, ['confirm']);
  const r = context.records[0];
  assert.equal(r.version, null);
  assert.ok(r.clientDataTime !== null && r.serverDataTime !== null);
});

test('a ClientHello from the side called server: the roles are swapped', () => {
  const r = start();
  r.feed('server', record(22, tls12ClientHello()));
  assert.deepEqual(r.context.calls, ['swapRoles']);
  assert.deepEqual(r.context.records, []);
});

test('random mutations and cuts of a handshake never throw', () => {
  const clean = tls12Handshake();
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 400; round++) {
    const r = start();
    for (const [dir, bytes] of clean) {
      const mutated = Buffer.from(bytes);
      for (let k = random(6); k > 0; k--) mutated[random(mutated.length)] = random(256);
      r.feed(dir, mutated.subarray(0, mutated.length - (random(4) === 0 ? random(mutated.length) : 0)), 1 + random(5));
      if (random(10) === 0) r.session.gap(dir, random(300), r.context.now);
    }
    r.session.end('fin');
    for (const emitted of r.context.records) tlsRecordSchema().parse(emitted);
  }
});

test('the bytes all sessions buffer are bounded: past the budget a session stops reading that side, marked, and every byte held is given back', () => {
  const limit = heldBodies.limit;
  heldBodies.limit = 100_000;
  try {
    // A 60 KB Certificate message in records of 16 KiB: kept until whole, so each session holds 60 KB.
    const message = Buffer.concat([Buffer.from([11, 0, 0xea, 0x60]), Buffer.alloc(60_000, 0x30)]);
    const records = [];
    for (let at = 0; at < message.length; at += 16384) records.push(record(22, message.subarray(at, at + 16384)));
    const sessions = [start(), start()];
    for (const r of sessions) {
      r.feed('client', record(22, tls12ClientHello()));
      r.feed('server', record(22, serverHello()));
      for (const piece of records.slice(0, -1)) r.feed('server', piece);
    }
    assert.deepEqual(sessions[0]!.context.marks, []);
    assert.deepEqual(sessions[1]!.context.marks, ['tls.over-memory-budget']);
    assert.ok(heldBodies.bytes <= heldBodies.limit, `${heldBodies.bytes} held`);
    sessions[1]!.feed('server', record(21, Buffer.from([2, 40])));
    for (const r of sessions) r.session.end('fin');
    assert.equal(heldBodies.bytes, 0, 'given back at the end');
    assert.deepEqual(sessions[1]!.context.records[0]!.alerts.map((a) => a.description), ['handshake_failure'], 'records are still read');
  } finally {
    heldBodies.limit = limit;
  }
});
