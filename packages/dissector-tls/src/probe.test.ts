import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeTls } from './probe.js';
import { TLS10, clientHello, encrypted, record, serverHello, sslv2ClientHello } from './crafted.test.helpers.js';

const probe = (bytes: Buffer) => probeTls('client', bytes);
/** The verdict on each prefix of `bytes`, collapsed: 'more' until the answer. */
const verdicts = (bytes: Buffer) => [...new Set(Array.from({ length: bytes.length }, (_, n) => probe(bytes.subarray(0, n + 1))))];

test('a record with a ClientHello or a ServerHello: more until the hello\'s version, then yes', () => {
  assert.deepEqual(verdicts(record(22, clientHello(), TLS10).subarray(0, 12)), ['more', 'yes']);
  assert.equal(probe(record(22, serverHello())), 'yes');
  assert.equal(probeTls('server', record(22, clientHello())), 'yes', 'either side: the session swaps roles guessed wrong');
});

test('an SSLv2 CLIENT-HELLO', () => {
  assert.equal(probe(sslv2ClientHello(TLS10, [0x00002f, 0x010080])), 'yes');
  assert.equal(probe(sslv2ClientHello(0x0002, [0x010080])), 'yes');
});

test('anything else is refused at its first telling byte', () => {
  assert.equal(probe(Buffer.from('G')), 'no');
  assert.equal(probe(Buffer.from('SSH-2.0-OpenSSH')), 'no');
  assert.equal(probe(Buffer.from([22, 4])), 'no');
  assert.equal(probe(Buffer.from([22, 3, 9])), 'no');
  assert.equal(probe(Buffer.from([22, 3, 3, 0, 0])), 'no', 'an empty record');
  assert.equal(probe(Buffer.from([22, 3, 3, 0x50, 0])), 'no', 'too long');
  assert.equal(probe(record(22, Buffer.from([20, 0, 0, 12, ...Buffer.alloc(12)]))), 'no', 'a handshake that is no hello');
  assert.equal(probe(record(21, Buffer.from([2, 40]))), 'no');
  assert.equal(probe(Buffer.from([0x80, 0x20, 7, 3, 1, 0, 3])), 'no', 'an SSLv2 record that is no hello');
});

test('mid-connection: application data records whose headers follow one another', () => {
  assert.equal(probe(encrypted(23, 100)), 'more');
  assert.equal(probe(Buffer.concat([encrypted(23, 100), encrypted(23, 20)])), 'yes');
  assert.equal(probe(Buffer.concat([encrypted(23, 100), Buffer.from('HTTP/')])), 'no');
  assert.equal(probe(encrypted(23, 2000).subarray(0, 1024)), 'yes', 'a record longer than the head is taken on its header');
});
