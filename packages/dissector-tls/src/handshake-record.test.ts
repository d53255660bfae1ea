import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientHello, ext, serverHello, TLS13 } from './crafted.test.helpers.js';
import { ja3, ja3s, ja4, ja4s } from './fingerprints.js';
import { HandshakeRecord } from './handshake-record.js';
import { parseClientHello, parseServerHello, type ClientHello } from './hello.js';
import { tlsRecordSchema } from './tls-record.js';

const parsedClientHello = (ciphers: number[]): ClientHello => parseClientHello(clientHello({ ciphers, extensions: [ext.serverName('a.example')] }).subarray(4))!;

test('a handshake record reads as its schema says: every field, in the schema\'s order, in JSON and to a reader', () => {
  const record = new HandshakeRecord(false);
  const hello = parsedClientHello([0x1301, 0x0a0a, 0xc02f]);
  const server = parseServerHello(serverHello({ cipher: 0x1301, extensions: [ext.selectedVersion(TLS13)] }).subarray(4))!;
  record.clientHello = hello;
  record.serverHello = server;
  const json = JSON.parse(JSON.stringify(record));
  assert.deepEqual(Object.keys(json), Object.keys(tlsRecordSchema().shape));
  assert.deepEqual(tlsRecordSchema().parse(json), json);
  assert.deepEqual(tlsRecordSchema().parse(record), json, 'read through its getters, as a trigger reads it');
  assert.equal(record.ja3, ja3(hello));
  assert.equal(record.ja4, ja4(hello));
  assert.equal(record.ja3s, ja3s(server));
  assert.equal(record.ja4s, ja4s(server));
  assert.deepEqual(record.clientCiphers, ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], 'GREASE left out');
  assert.deepEqual(record.clientExtensions, ['server_name']);
  assert.deepEqual(record.serverExtensions, ['supported_versions']);
});

test('a handshake record without hellos has no fingerprints and empty lists; a second ClientHello (after a HelloRetryRequest) replaces what the first gave', () => {
  const record = new HandshakeRecord(true);
  assert.equal(record.ja3, null);
  assert.equal(record.ja4s, null);
  assert.deepEqual(record.clientCiphers, []);
  assert.equal(record.renegotiation, true);
  record.clientHello = parsedClientHello([0xc02f]);
  const first = record.ja3;
  assert.deepEqual(record.clientCiphers, ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
  record.clientHello = parsedClientHello([0x1301]);
  assert.notEqual(record.ja3, first);
  assert.deepEqual(record.clientCiphers, ['TLS_AES_128_GCM_SHA256']);
});
