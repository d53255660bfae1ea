import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGrease, parseClientHello, parseServerHello, parseSslv2ClientHello, type ClientHello } from './hello.js';
import {
  ascii,
  clientHelloBody,
  extension,
  helloBody,
  readFixture,
  serverHelloBody,
  u16,
  vector,
  type TsharkHello,
} from './fixtures/hello-bytes.js';

/** A Chrome-like TLS 1.3 ClientHello: GREASE, SNI, ALPN, every extension the parser reads. */
const chromeLike = {
  sessionId: new Array<number>(32).fill(0xab),
  ciphers: [0x2a2a, 0x1301, 0x1302, 0xc02b],
  extensions: [
    extension(0x0a0a),
    extension(0, vector(2, [0], vector(2, ascii('example.com')))),
    extension(10, vector(2, u16(0x3a3a, 29, 23))),
    extension(11, vector(1, [0])),
    extension(13, vector(2, u16(0x0403, 0x0804))),
    extension(16, vector(2, vector(1, ascii('h2')), vector(1, ascii('http/1.1')))),
    extension(35, [1, 2, 3]),
    extension(43, vector(1, u16(0x5a5a, 0x0304, 0x0303))),
    extension(51, vector(2, u16(29), vector(2, new Array<number>(32).fill(7)))),
    extension(41, vector(2, vector(2, [9, 9]), [0, 0, 0, 1]), vector(2, vector(1, new Array<number>(32).fill(5)))),
  ],
};

test('a TLS 1.3 ClientHello: every field, GREASE values kept in the lists as sent', () => {
  const hello = parseClientHello(clientHelloBody(chromeLike));
  assert.deepEqual(hello, {
    version: 0x0303,
    sessionId: 'ab'.repeat(32),
    ciphers: [0x2a2a, 0x1301, 0x1302, 0xc02b],
    extensions: [0x0a0a, 0, 10, 11, 13, 16, 35, 43, 51, 41],
    serverName: 'example.com',
    alpn: ['h2', 'http/1.1'],
    supportedVersions: [0x5a5a, 0x0304, 0x0303],
    groups: [0x3a3a, 29, 23],
    pointFormats: [0],
    signatureAlgorithms: [0x0403, 0x0804],
    ticket: true,
    psk: true,
    sslv2: false,
  } satisfies ClientHello);
});

test('a ClientHello without an extensions block (TLS 1.0) and one with an empty session ticket', () => {
  const old = parseClientHello(clientHelloBody({ version: 0x0301, ciphers: [0x0035, 0x00ff] }));
  assert.deepEqual([old?.version, old?.ciphers, old?.extensions, old?.serverName, old?.ticket], [0x0301, [0x35, 0xff], [], null, false]);
  const emptyTicket = parseClientHello(clientHelloBody({ extensions: [extension(35)] }));
  assert.deepEqual([emptyTicket?.extensions, emptyTicket?.ticket], [[35], false]);
});

test('server_name: the first host_name of the list, other name types skipped', () => {
  const names = vector(2, [1], vector(2, ascii('other')), [0], vector(2, ascii('first.example')), [0], vector(2, ascii('second.example')));
  assert.equal(parseClientHello(clientHelloBody({ extensions: [extension(0, names)] }))?.serverName, 'first.example');
});

test('a ClientHello cut anywhere is null, except right after the compression methods (no extensions: valid)', () => {
  const whole = clientHelloBody(chromeLike);
  const withoutExtensions = clientHelloBody({ ...chromeLike, extensions: undefined }).length;
  for (let length = 0; length < whole.length; length++) {
    const hello = parseClientHello(whole.subarray(0, length));
    assert.equal(hello === null, length !== withoutExtensions, `cut at ${length}`);
  }
});

test('ClientHello lengths that lie are null', () => {
  const cases: Record<string, Uint8Array> = {
    'session id over 32 bytes': clientHelloBody({ sessionId: new Array<number>(33).fill(1) }),
    'no compression method': Uint8Array.from([...u16(0x0303), ...new Array<number>(32).fill(0), 0, ...vector(2, u16(0x1301)), 0]),
    'odd cipher_suites length': Uint8Array.from([...u16(0x0303), ...new Array<number>(32).fill(0), 0, 0, 3, 0x13, 0x01, 0x13, 1, 0]),
    'extension longer than its block': clientHelloBody({ extensions: [[0, 10, 0, 9, 0, 2, 0, 29]] }),
    'bytes after the extensions block': Uint8Array.from([...clientHelloBody({ extensions: [extension(23)] }), 0]),
    'extensions block longer than the hello': Uint8Array.from([...clientHelloBody({ extensions: [] }).subarray(0, -2), 0, 8, 0, 10, 0, 4]),
    'server_name list longer than the extension': clientHelloBody({ extensions: [extension(0, [0, 40, 0, 0, 1, 0x61])] }),
    'host_name longer than the list': clientHelloBody({ extensions: [extension(0, vector(2, [0, 0, 9, 0x61]))] }),
    'supported_groups odd length': clientHelloBody({ extensions: [extension(10, vector(2, [0, 29, 0]))] }),
    'supported_groups list shorter than the extension': clientHelloBody({ extensions: [extension(10, vector(2, u16(29)), [0])] }),
    'ec_point_formats cut': clientHelloBody({ extensions: [extension(11, [3, 0])] }),
    'signature_algorithms cut': clientHelloBody({ extensions: [extension(13, [0, 4, 4, 3])] }),
    'ALPN empty protocol name': clientHelloBody({ extensions: [extension(16, vector(2, [0]))] }),
    'ALPN name longer than the list': clientHelloBody({ extensions: [extension(16, vector(2, [5, 0x68, 0x32]))] }),
    'supported_versions odd length': clientHelloBody({ extensions: [extension(43, vector(1, [3, 4, 3]))] }),
    'supported_versions longer than the extension': clientHelloBody({ extensions: [extension(43, [6, 3, 4])] }),
  };
  for (const [name, body] of Object.entries(cases)) assert.equal(parseClientHello(body), null, name);
});

test('a TLS 1.2 ServerHello: cipher, session id, ALPN chosen, extensions in order', () => {
  const body = serverHelloBody({
    sessionId: [1, 2, 3, 4],
    extensions: [extension(0xff01, [0]), extension(16, vector(2, vector(1, ascii('h2')))), extension(11, vector(1, [0]))],
  });
  assert.deepEqual(parseServerHello(body), {
    version: 0x0303,
    selectedVersion: null,
    cipher: 0xc02f,
    sessionId: '01020304',
    extensions: [0xff01, 16, 11],
    alpn: 'h2',
    keyShareGroup: null,
    psk: false,
    helloRetry: false,
  });
});

test('a TLS 1.3 ServerHello: the version from supported_versions, the key_share group, an accepted PSK', () => {
  const body = serverHelloBody({
    cipher: 0x1301,
    extensions: [extension(43, u16(0x0304)), extension(51, u16(29), vector(2, new Array<number>(32).fill(3))), extension(41, u16(0))],
  });
  const hello = parseServerHello(body);
  assert.deepEqual([hello?.selectedVersion, hello?.cipher, hello?.keyShareGroup, hello?.psk, hello?.helloRetry], [0x0304, 0x1301, 29, true, false]);
});

test('a HelloRetryRequest: the special random, key_share is the group alone', () => {
  const random = Array.from(Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'));
  const hello = parseServerHello(serverHelloBody({ random, cipher: 0x1302, extensions: [extension(43, u16(0x0304)), extension(51, u16(23))] }));
  assert.deepEqual([hello?.helloRetry, hello?.keyShareGroup, hello?.selectedVersion], [true, 23, 0x0304]);
});

test('a TLS 1.3 draft ServerHello (draft 18: no session id, no compression, key_share as extension 40)', () => {
  const body = Uint8Array.from([0x7f, 0x12, ...new Array<number>(32).fill(0), ...u16(0x1301), ...vector(2, extension(40, u16(29), vector(2, [1, 2])))]);
  const hello = parseServerHello(body);
  assert.deepEqual([hello?.version, hello?.cipher, hello?.sessionId, hello?.extensions, hello?.keyShareGroup], [0x7f12, 0x1301, '', [40], 29]);
});

test('a ServerHello cut anywhere or with lengths that lie is null', () => {
  const whole = serverHelloBody({ sessionId: [1], extensions: [extension(43, u16(0x0304)), extension(16, vector(2, vector(1, ascii('h2'))))] });
  const withoutExtensions = serverHelloBody({ sessionId: [1] }).length;
  for (let length = 0; length < whole.length; length++) {
    assert.equal(parseServerHello(whole.subarray(0, length)) === null, length !== withoutExtensions, `cut at ${length}`);
  }
  const cases: Record<string, Uint8Array> = {
    'supported_versions of 3 bytes': serverHelloBody({ extensions: [extension(43, [3, 4, 0])] }),
    'two ALPN protocols chosen': serverHelloBody({ extensions: [extension(16, vector(2, vector(1, ascii('h2')), vector(1, ascii('h3'))))] }),
    'key_share without a group': serverHelloBody({ extensions: [extension(51, [0])] }),
    'session id over 32 bytes': serverHelloBody({ sessionId: new Array<number>(33).fill(0) }),
    'bytes after the extensions block': Uint8Array.from([...serverHelloBody({ extensions: [] }), 0, 0]),
  };
  for (const [name, body] of Object.entries(cases)) assert.equal(parseServerHello(body), null, name);
});

// The SSLv2 ClientHello of ssl-v2.pcap (frame 4) and of ssl.v3.pcap (frame 4: offers SSLv3/TLS 1.0), tcp.payload.
const SSLV2_ONLY = '802e0100020015000000100700c00500800300800100800600400400800200801c30e2b12f4c04525476f280c07abee5';
const SSLV2_COMPATIBLE =
  '8055010301003c0000001000003900003800003500003300003200000400000500002f00001600001300feff00000a00001500001200fefe000009000064000062000003000006e6b8efdf91cf44f7eae43c83398fdcb2';

test('SSLv2 ClientHellos from the Zeek traces: pure SSLv2 kinds keep their 3 bytes, kinds starting with 0 are TLS suites', () => {
  const v2 = parseSslv2ClientHello(Buffer.from(SSLV2_ONLY, 'hex'));
  assert.deepEqual(v2, {
    version: 0x0002,
    sessionId: '',
    ciphers: [0x0700c0, 0x050080, 0x030080, 0x010080, 0x060040, 0x040080, 0x020080],
    extensions: [],
    serverName: null,
    alpn: [],
    supportedVersions: [],
    groups: [],
    pointFormats: [],
    signatureAlgorithms: [],
    ticket: false,
    psk: false,
    sslv2: true,
  } satisfies ClientHello);
  const compatible = parseSslv2ClientHello(Buffer.from(SSLV2_COMPATIBLE, 'hex'));
  assert.equal(compatible?.version, 0x0301);
  assert.deepEqual(compatible?.ciphers.slice(0, 4), [0x39, 0x38, 0x35, 0x33]);
  assert.deepEqual(compatible?.ciphers.slice(-3), [0x62, 0x03, 0x06]);
  assert.equal(compatible?.ciphers.length, 20);
});

test('SSLv2 ClientHellos that are not one, or whose lengths lie, are null', () => {
  const good = Buffer.from(SSLV2_ONLY, 'hex');
  for (let length = 0; length < good.length; length++) assert.equal(parseSslv2ClientHello(good.subarray(0, length)), null, `cut at ${length}`);
  const changed = (offset: number, ...bytes: number[]) => {
    const copy = Uint8Array.from(good);
    copy.set(bytes, offset);
    return copy;
  };
  assert.equal(parseSslv2ClientHello(changed(0, 0x00)), null, 'a 3-byte header (high bit clear)');
  assert.equal(parseSslv2ClientHello(changed(2, 4)), null, 'a ServerHello, not a ClientHello');
  assert.equal(parseSslv2ClientHello(changed(5, 0, 20)), null, 'cipher specs not a multiple of 3');
  assert.equal(parseSslv2ClientHello(changed(9, 0, 17)), null, 'challenge past the record');
  assert.equal(parseSslv2ClientHello(changed(7, 0, 33)), null, 'session id over 32 bytes');
});

test('the hellos tshark 4.0 finds in the Zeek TLS traces parse as tshark reads them', () => {
  const hellos = readFixture<TsharkHello[]>('tshark-hellos.json');
  assert.ok(hellos.length > 90);
  for (const fixture of hellos) {
    const where = `${fixture.trace} frame ${fixture.frame}`;
    if (fixture.hello === 'client') {
      const hello = parseClientHello(helloBody(fixture));
      assert.ok(hello, where);
      assert.deepEqual(
        [hello.serverName, hello.alpn, hello.supportedVersions, hello.ciphers],
        [fixture.serverName, fixture.alpn, fixture.supportedVersions, fixture.ciphers],
        where,
      );
    } else {
      const hello = parseServerHello(helloBody(fixture));
      assert.ok(hello, where);
      assert.deepEqual(
        [hello.alpn === null ? [] : [hello.alpn], hello.selectedVersion === null ? [] : [hello.selectedVersion], [hello.cipher]],
        [fixture.alpn, fixture.supportedVersions, fixture.ciphers],
        where,
      );
    }
  }
});

test('random mutations of real hellos never throw: a hello or null, lists of 16-bit numbers', () => {
  const hellos = readFixture<TsharkHello[]>('tshark-hellos.json');
  const inputs = [...hellos.map(helloBody), Buffer.from(SSLV2_ONLY, 'hex'), Buffer.from(SSLV2_COMPATIBLE, 'hex')];
  let seed = 0x2545f491;
  const random = (below: number) => {
    // xorshift32: the same mutations each run, so a failure can be replayed.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % below;
  };
  let parsed = 0;
  for (let round = 0; round < 20_000; round++) {
    const bytes = Uint8Array.from(inputs[random(inputs.length)]!);
    const mutations = 1 + random(4);
    for (let m = 0; m < mutations; m++) bytes[random(bytes.length)] = random(4) === 0 ? 0xff : random(256);
    const cut = random(3) === 0 ? bytes.subarray(0, random(bytes.length + 1)) : bytes;
    for (const hello of [parseClientHello(cut), parseSslv2ClientHello(cut)]) {
      if (hello === null) continue;
      parsed++;
      assert.ok([...hello.ciphers, ...hello.extensions, ...hello.groups].every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffff));
    }
    const server = parseServerHello(cut);
    if (server !== null) assert.ok(server.cipher >= 0 && server.cipher <= 0xffff && server.sessionId.length <= 64);
  }
  assert.ok(parsed > 1000, `most one-byte changes leave a parseable hello (${parsed})`);
});

test('isGrease: the 16 RFC 8701 values and nothing else', () => {
  const grease = [];
  for (let value = 0; value <= 0xffff; value++) if (isGrease(value)) grease.push(value);
  assert.deepEqual(grease, [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa]);
});
