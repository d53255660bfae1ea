/**
 * Zeek's TLS traces (committed in test/fixtures/tls-tshark) through the whole
 * pipeline. Every value asserted was read from the same capture with tshark 4.0 (`tshark -r F
 * -T fields -e tls.handshake.extensions_server_name -e tls.handshake.ciphersuite -e
 * tls.handshake.ja3 ...`), and the certificates with `openssl x509 -nameopt RFC2253` on the
 * bytes tshark exports (`-e tls.handshake.certificate`).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { dissectCapture } from '@pakeana/framework/testing';
import tls from './index.js';
import type { TlsHandshake } from './tls-record.js';

// Zeek's TLS traces, as committed with their tshark views for the agreement test.
const traces = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls-tshark');

async function handshakes(name: string, plugins: string[] = []) {
  const { sessions, error, warnings } = await dissectCapture(resolve(traces, name), { dissectors: [tls], plugins });
  assert.equal(error, null);
  assert.deepEqual(warnings, []);
  return sessions.map((s) => ({ session: s, tls: ((s as { tls?: TlsHandshake[] }).tls ?? []) }));
}

async function only(name: string): Promise<TlsHandshake> {
  const all = (await handshakes(name)).flatMap((s) => s.tls);
  assert.equal(all.length, 1);
  return all[0];
}

test('tls1.2.pcap: version, cipher, JA3, the server chain with its fingerprints', async () => {
  const r = await only('tls1.2.pcap');
  assert.equal(r.version, 'TLSv12');
  assert.equal(r.cipher, 'TLS_RSA_WITH_RC4_128_MD5');
  assert.equal(r.ja3, 'bd9c99b3a0f752c3ab8b052a79e9de3e');
  assert.equal(r.established, true);
  assert.deepEqual(
    r.certificates.map((c) => c.subject),
    [
      'CN=*.taleo.net,OU=Comodo PremiumSSL Wildcard,OU=Web,O=Taleo Inc.,street=4140 Dublin Boulevard,street=Suite 400,L=Dublin,ST=CA,postalCode=94568,C=US',
      'CN=COMODO High-Assurance Secure Server CA,O=COMODO CA Limited,L=Salford,ST=Greater Manchester,C=GB',
      'CN=AddTrust External CA Root,OU=AddTrust External TTP Network,O=AddTrust AB,C=SE',
    ],
  );
  assert.equal(r.certificates[0].sha256, '95cb443934beda97627688546191ab1d3989a835592cebdd2434f9ad41324ce1');
  assert.equal(r.certificates[0].notAfter, '2016-07-04T23:59:59.000Z');
  assert.equal(r.issuer, r.certificates[1].subject);
});

test('client-certificate.pcap: SNI, ALPN both ways, offered versions, both chains', async () => {
  const r = await only('client-certificate.pcap');
  assert.equal(r.serverName, 'certauth.idrix.fr');
  assert.deepEqual(r.alpn, ['h2', 'http/1.1']);
  assert.equal(r.nextProtocol, 'http/1.1');
  assert.deepEqual(r.clientVersions, ['TLSv13', 'TLSv12']);
  assert.equal(r.cipher, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  assert.equal(r.ja3, '579ccef312d18482fc42e2b822ca2430');
  assert.deepEqual(
    r.certificates.map((c) => c.subject),
    ['CN=certauth.idrix.fr', "CN=R3,O=Let's Encrypt,C=US", 'CN=ISRG Root X1,O=Internet Security Research Group,C=US'],
  );
  assert.equal(r.sniMatchesCert, true);
  assert.deepEqual(
    r.clientCertificates.map((c) => [c.subject, c.sha256.slice(0, 8)]),
    [
      ['CN=johanna@corelight.com', 'a1f55d76'],
      ['CN=Actalis Client Authentication CA G3,O=Actalis S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT', 'bb4d3ee6'],
    ],
  );
});

test('chrome-34-google.pcap: ALPN offered and chosen', async () => {
  const r = await only('chrome-34-google.pcap');
  assert.equal(r.serverName, 'google.de');
  assert.deepEqual(r.alpn, ['spdy/3', 'spdy/3.1', 'http/1.1']);
  assert.equal(r.nextProtocol, 'spdy/3.1');
  assert.equal(r.cipher, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.equal(r.ja3, 'a607f3a5c94c2ee592af1456f36c8367');
});

test('TLS 1.3: a draft version from supported_versions, the key share group; PSK resumption', async () => {
  const [draft] = (await handshakes('tls13draft23-chrome67.0.3368.0-canary.pcap')).flatMap((s) => s.tls);
  assert.equal(draft.version, 'TLSv13-draft23');
  assert.equal(draft.cipher, 'TLS_AES_128_GCM_SHA256');
  assert.equal(draft.curve, 'x25519');
  assert.equal(draft.serverName, 'tls13.crypto.mozilla.org');
  assert.equal(draft.ja3, '6cb345f0f89fe97b1dfad775b52d5cf2');
  assert.deepEqual(draft.certificates, []);
  assert.equal(draft.established, true);

  const psk = await only('tls13_psk_succesfull.pcap');
  assert.equal(psk.version, 'TLSv13');
  assert.equal(psk.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
  assert.equal(psk.resumed, true);
  assert.deepEqual(psk.resumption, ['psk']);
});

test('tls-1.2-handshake-failure.pcap: the fatal alert from the server', async () => {
  const r = await only('tls-1.2-handshake-failure.pcap');
  assert.deepEqual(r.alerts.map((a) => [a.from, a.level, a.description]), [['server', 'fatal', 'handshake_failure']]);
  assert.equal(r.lastAlert, 'handshake_failure');
  assert.equal(r.version, null);
  assert.equal(r.ja3, '62bd27c43a9a4d7fcbc45d8c9e7e04dd');
});

test('ocsp-stapling.pcap: the curve of the ECDHE ServerKeyExchange', async () => {
  const r = await only('ocsp-stapling.pcap');
  assert.equal(r.version, 'TLSv10');
  assert.equal(r.curve, 'secp384r1');
});

test('ssl-v2.pcap: an SSLv2 connection, its certificate from the SERVER-HELLO', async () => {
  const r = await only('ssl-v2.pcap');
  assert.equal(r.version, 'SSLv2');
  assert.equal(r.sslv2Hello, true);
  assert.equal(r.subject, 'emailAddress=info@plesk.com,CN=plesk,OU=Plesk,O=Parallels,L=Herndon,ST=Virginia,C=US');
  assert.equal(r.certificates[0].sha256, '8ce7a4de80166f6198ad559e2aaaa0d858ad2fb173557a9b159cfcaf4760beef');
  assert.equal(r.certificates[0].selfSigned, true);
});

test('tls-fragmented-handshake.pcap: a 332 KB Certificate message over 21 records is read whole', async () => {
  const [{ session, tls: [r] }] = await handshakes('tls-fragmented-handshake.pcap');
  assert.deepEqual(session.marks, []);
  assert.equal(r.subject, 'CN=Bro');
  assert.equal(r.certificates[0].sha256, 'af4a46e989dc24078ee2a205490856e059e7f2f9d2114cec4d4c44974add9d34');
});

test('heartbleed traces are marked, in clear and encrypted', async () => {
  for (const name of ['heartbleed.pcap', 'heartbleed-success.pcap', 'heartbleed-encrypted-success.pcap', 'heartbleed-encrypted-short.pcap']) {
    const [{ session }] = await handshakes(name);
    assert.ok(session.marks.includes('tls.heartbleed'), name);
  }
  const [{ session: benign }] = await handshakes('heartbleed-encrypted.pcap');
  assert.deepEqual(benign.marks, ['tls.heartbeat'], 'one heartbeat from the server, answered by nothing larger');
});

test('DTLS (UDP) is passed over; STARTTLS is left to the cleartext dissector', async () => {
  for (const name of ['dtls1_0.pcap', 'dtls1_2.pcap', 'dtls13-cid.pcap', 'dtls13-wolfssl.pcap', 'smtp-starttls.pcap', 'imap-starttls.pcap']) {
    for (const { session, tls: records } of await handshakes(name)) {
      assert.deepEqual(records, [], name);
      assert.deepEqual(session.marks, [], name);
    }
  }
});

test('https-to-http.pcap with http loaded: the ClientHello to an HTTP server is read, the HTML answer marked', async () => {
  const [{ session, tls: [r] }] = await handshakes('https-to-http.pcap', ['http']);
  assert.equal(session.protocol, 'tls');
  assert.deepEqual(r.alpn, ['h2', 'http/1.1']);
  assert.equal(r.version, null);
  assert.deepEqual(session.marks, ['tls.bad-record-header']);
});
