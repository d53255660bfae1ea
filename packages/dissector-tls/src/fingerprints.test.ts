import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ja3, ja3s, ja3sString, ja3String, ja4, ja4s } from './fingerprints.js';
import { clientHello as bareClientHello, parseClientHello, parseServerHello, parseSslv2ClientHello, type ClientHello, type ServerHello } from './hello.js';
import { helloBody, readFixture, type Ja4Vector, type TsharkHello } from './fixtures/hello-bytes.js';

const clientHello = (fields: Partial<ClientHello>): ClientHello => ({ ...bareClientHello(0x0303, '', [], false), ...fields });

const serverHello = (fields: Partial<ServerHello>): ServerHello => ({
  version: 0x0303,
  selectedVersion: null,
  cipher: 0xc02f,
  sessionId: '',
  extensions: [],
  alpn: null,
  keyShareGroup: null,
  psk: false,
  helloRetry: false,
  ...fields,
});

test("JA3 and JA3S agree with tshark 4.0's tls.handshake.ja3 / ja3s on every hello of the Zeek TLS traces", () => {
  const hellos = readFixture<TsharkHello[]>('tshark-hellos.json');
  const clients = hellos.filter((h) => h.hello === 'client');
  assert.ok(clients.length >= 50 && hellos.length - clients.length >= 40);
  for (const fixture of hellos) {
    const where = `${fixture.trace} frame ${fixture.frame}`;
    if (fixture.hello === 'client') {
      const hello = parseClientHello(helloBody(fixture))!;
      assert.deepEqual([ja3String(hello), ja3(hello)], [fixture.ja3Full, fixture.ja3], where);
    } else {
      const hello = parseServerHello(helloBody(fixture))!;
      assert.deepEqual([ja3sString(hello), ja3s(hello)], [fixture.ja3Full, fixture.ja3], where);
    }
  }
});

test('JA3 leaves GREASE out of every field; an empty field stays empty', () => {
  const hello = clientHello({ ciphers: [0x0a0a, 0x1301, 0x00ff], extensions: [0x1a1a, 0, 43], groups: [0x2a2a, 29], pointFormats: [] });
  assert.equal(ja3String(hello), '771,4865-255,0-43,29,');
  assert.equal(ja3(hello), 'd243a5453cc60ef36f5bdd2a583d3583'); // printf '771,4865-255,0-43,29,' | md5sum
  assert.equal(ja3sString(serverHello({ extensions: [0xff01, 0x0a0a, 16] })), '771,49199,65281-16');
});

test('JA3 of an SSLv2 ClientHello keeps pure SSLv2 kinds as their 3-byte value (tshark computes none)', () => {
  const hello = parseSslv2ClientHello(Buffer.from('802e0100020015000000100700c00500800300800100800600400400800200801c30e2b12f4c04525476f280c07abee5', 'hex'))!;
  assert.equal(ja3String(hello), '2,458944-327808-196736-65664-393280-262272-131200,,,');
});

test("JA4 and JA4S agree with FoxIO's published test vectors (FoxIO-LLC/ja4 pcap/ and its Rust snapshots)", () => {
  const vectors = readFixture<Ja4Vector[]>('ja4-vectors.json');
  assert.ok(vectors.length >= 40);
  for (const vector of vectors) {
    const expected = vector.source.includes('tls-non-ascii-alpn') ? NON_ASCII_ALPN_BY_THE_DEFINITION : (vector.ja4 ?? vector.ja4s);
    const fingerprint = vector.hello === 'client' ? ja4(parseClientHello(helloBody(vector))!) : ja4s(parseServerHello(helloBody(vector))!);
    assert.equal(fingerprint, expected, vector.source);
  }
});

// tls-non-ascii-alpn.pcapng offers ALPN 0xba 0xad first. FoxIO's code (snapshot of 2023-12) prints
// '99' for it; JA4.md since 2024-08 ("More clarifications of ALPN handling") prints the first and
// last hex digits of such a value: 'bd'. We follow JA4.md.
const NON_ASCII_ALPN_BY_THE_DEFINITION = 't13d1516bd_8daaf6152771_e5627efa2ab1';

/** The example of JA4.md: Chrome's ClientHello. */
const ja4mdExample = clientHello({
  supportedVersions: [0x0304, 0x0303],
  ciphers: [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
  extensions: [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015],
  signatureAlgorithms: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
  alpn: ['h2', 'http/1.1'],
});

test("JA4 of JA4.md's example, with GREASE added (ignored), without signature algorithms, and JA4S of FoxIO's unit test", () => {
  assert.equal(ja4(ja4mdExample), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  const greased = {
    ...ja4mdExample,
    ciphers: [0x3a3a, ...ja4mdExample.ciphers],
    extensions: [0x8a8a, ...ja4mdExample.extensions, 0xdada],
    supportedVersions: [0xfafa, 0x0304],
  };
  assert.equal(ja4(greased), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  // "If there are no signature algorithms in the hello packet, then the string ends without an underscore."
  assert.equal(ja4({ ...ja4mdExample, signatureAlgorithms: [] }), 't13d1516h2_8daaf6152771_6d807ffa2a79');
  assert.equal(ja4s(serverHello({ cipher: 0xc030, extensions: [0x0005, 0x0017, 0xff01, 0x0000] })), 't120400_c030_4e8089b08790');
});

test('JA4: the version from supported_versions (highest), else legacy_version; SNI d/i; counts capped at 99; empty lists 000000000000', () => {
  const tls12 = ja4(clientHello({ version: 0x0303, ciphers: [0x2f] }));
  assert.equal(tls12, 't12i010000_ba72b8082249_000000000000'); // printf 002f | sha256sum
  assert.equal(ja4(clientHello({ version: 0x0301, supportedVersions: [0x0302, 0x0304, 0x0303] })).slice(0, 3), 't13');
  assert.equal(ja4(clientHello({ version: 0x0300 })).slice(0, 4), 'ts3i');
  assert.equal(ja4(clientHello({ version: 0x0002, sslv2: true })).slice(0, 3), 'ts2');
  assert.equal(ja4(clientHello({ supportedVersions: [0x7f17] })).slice(0, 3), 't00');
  const many = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
  assert.equal(ja4(clientHello({ ciphers: many, extensions: [0, ...many] })).slice(0, 10), 't12d999900');
  assert.equal(ja4(clientHello({})), 't12i000000_000000000000_000000000000');
  // Only SNI and ALPN: nothing left to hash in part c.
  assert.equal(ja4(clientHello({ extensions: [0, 16], alpn: ['h2'] })), 't12d0002h2_000000000000_000000000000');
});

test("JA4's ALPN characters: first and last, or their hex when either is not an ASCII letter or digit (JA4.md's examples)", () => {
  const alpnOf = (...bytes: number[]) => ja4(clientHello({ extensions: [16], alpn: [Buffer.from(bytes).toString('latin1')] })).slice(8, 10);
  assert.equal(alpnOf(...Buffer.from('http/1.1')), 'h1');
  assert.equal(alpnOf(...Buffer.from('h2')), 'h2');
  assert.equal(alpnOf(0x68), 'hh', 'a single character is both first and last');
  assert.equal(alpnOf(0xab), 'ab');
  assert.equal(alpnOf(0x20), '20');
  assert.equal(alpnOf(0xab, 0xcd), 'ad');
  assert.equal(alpnOf(0x20, 0x61), '21');
  assert.equal(alpnOf(0x30, 0xab), '3b');
  assert.equal(alpnOf(0x61, 0x20), '60');
  assert.equal(alpnOf(0x30, 0x31, 0xab, 0xcd), '3d');
  assert.equal(alpnOf(0x30, 0xab, 0xcd, 0x31), '01');
  assert.equal(ja4(clientHello({ extensions: [16], alpn: [] })).slice(8, 10), '00');
});

test('JA4S: version from supported_versions, extensions hashed in the order sent, ALPN chosen', () => {
  const tls13 = serverHello({ cipher: 0x1301, selectedVersion: 0x0304, extensions: [0x002b, 0x0033] });
  const reordered = { ...tls13, extensions: [0x0033, 0x002b] };
  assert.equal(ja4s(reordered), 't130200_1301_234ea6891581');
  assert.notEqual(ja4s(tls13), ja4s(reordered));
  assert.equal(ja4s(serverHello({ alpn: 'http/1.1' })), 't1200h1_c02f_000000000000');
});
