import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateList, nameMatches, readCertificate, rfc4514Name, subjectAltNames } from './certificates.js';
import { certificate, fixture } from './crafted.test.helpers.js';

// Values checked with `openssl x509 -noout -subject -issuer -serial -dates -fingerprint -sha256 -nameopt RFC2253`.

test('a CA-signed EC certificate: names in RFC 4514 order, SANs, serial, validity, key, fingerprint', () => {
  const cert = readCertificate(fixture('leaf.der'));
  assert.deepEqual(cert, {
    subject: 'CN=example.com,O=Example\\, Inc.,C=US',
    issuer: 'CN=Example Test CA,O=Example Trust,C=US',
    sans: ['example.com', '*.example.com', 'IP:192.0.2.1', 'email:admin@example.com'],
    serial: '0A1B2C3D4E5F',
    notBefore: '2026-01-02T00:00:00.000Z',
    notAfter: '2027-01-02T00:00:00.000Z',
    keyType: 'ec',
    keyBits: 256,
    keyCurve: 'prime256v1',
    sha256: '1813b94acfe3ff401d4ab934b23fc13479fb86d7679e4b15dd84bd5fba28d44a',
    selfSigned: false,
  });
});

test('a self-signed RSA certificate with a multi-valued RDN', () => {
  const cert = readCertificate(fixture('self.der'))!;
  assert.equal(cert.subject, 'CN=self.test+OU=Ops,O=Acme\\, GmbH,C=DE');
  assert.equal(cert.issuer, cert.subject);
  assert.equal(cert.selfSigned, true);
  assert.equal(cert.keyType, 'rsa');
  assert.equal(cert.keyBits, 2048);
  assert.equal(cert.keyCurve, null);
  assert.deepEqual(cert.sans, []);
  assert.equal(cert.sha256, '806346c55fe6865491ffc4d91a99d5efd72ddd05791968be97d7379dbf0e7ad7');
  assert.equal(readCertificate(fixture('ca.der'))!.selfSigned, true);
});

test('bytes that are no certificate give null', () => {
  assert.equal(readCertificate(Buffer.from('not a certificate')), null);
  assert.equal(readCertificate(fixture('leaf.der').subarray(0, 100)), null);
});

test('Node\'s name and SAN texts turned into the record\'s', () => {
  assert.equal(rfc4514Name('C=US\nO=Ex\\, Inc\nOU=b + CN=a'), 'CN=a+OU=b,O=Ex\\, Inc,C=US');
  assert.deepEqual(subjectAltNames('DNS:a.example, DNS:"b,c.example", IP Address:2001:DB8:0:0:0:0:0:1, URI:http://x/, othername:1.2.3;UTF8:z'), [
    'a.example',
    'b,c.example',
    'IP:2001:DB8:0:0:0:0:0:1',
    'URI:http://x/',
    'othername:1.2.3;UTF8:z',
  ]);
  assert.deepEqual(subjectAltNames(undefined), []);
});

test('the Certificate message\'s list, and lists whose lengths do not add up', () => {
  const leaf = fixture('leaf.der');
  const list = certificateList(certificate([leaf, leaf]).subarray(4))!;
  assert.deepEqual(list.map((der) => der.length), [leaf.length, leaf.length]);
  assert.deepEqual(certificateList(Buffer.from([0, 0, 0])), []);
  assert.equal(certificateList(Buffer.from([0, 0, 4, 0, 0, 9, 1])), null);
  assert.equal(certificateList(Buffer.from([0, 0, 5, 0, 0, 9, 1, 2])), null);
});

test('SNI against the certificate: exact, one-label wildcards, case, CN without DNS SANs', () => {
  const leaf = readCertificate(fixture('leaf.der'))!;
  assert.equal(nameMatches('example.com', leaf), true);
  assert.equal(nameMatches('WWW.Example.com.', leaf), true);
  assert.equal(nameMatches('a.b.example.com', leaf), false);
  assert.equal(nameMatches('example.org', leaf), false);
  assert.equal(nameMatches('192.0.2.1', leaf), false, 'an IP SAN is no DNS name');
  const self = readCertificate(fixture('self.der'))!;
  assert.equal(nameMatches('self.test', self), true, 'the CN, without DNS SANs');
  assert.equal(nameMatches('Ops', self), false);
});

test('a certificate seen again is not parsed again: the same frozen record comes back', () => {
  const der = fixture('ca.der');
  const first = readCertificate(der);
  assert.equal(readCertificate(Buffer.from(der)), first);
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first!.sans));
});
