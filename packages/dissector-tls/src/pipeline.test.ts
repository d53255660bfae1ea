import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import tls from './index.js';
import type { TlsHandshake } from './tls-record.js';
import { TLS10, certificate, changeCipherSpec, clientHello, encrypted, ext, fixture, record, serverHello, serverHelloDone } from './crafted.test.helpers.js';

const hello = () => record(22, clientHello({ extensions: [ext.serverName('example.com'), ext.alpn(['http/1.1'])] }), TLS10);
const flight = () => record(22, Buffer.concat([serverHello(), certificate([fixture('leaf.der')]), serverHelloDone()]));

/** A TLS connection between the two endpoints, its records cut into 100-byte segments. */
function conversation(client: string, server: string, options: { handshake?: boolean } = {}): Conversation {
  const c = new Conversation(client, server);
  if (options.handshake !== false) c.handshake();
  const send = (side: 'client' | 'server', bytes: Buffer) => {
    for (let at = 0; at < bytes.length; at += 100) c.send(side, bytes.subarray(at, at + 100));
  };
  send('client', hello());
  send('server', flight());
  send('client', Buffer.concat([changeCipherSpec(), encrypted(22, 40)]));
  send('server', Buffer.concat([changeCipherSpec(), encrypted(22, 40), encrypted(23, 500)]));
  return c.close();
}

const tlsOf = (session: object) => (session as { tls?: TlsHandshake[] }).tls;

test('TLS on a port no dissector claims is found by content, its records reassembled across segments', async () => {
  const { sessions } = await dissectFrames(conversation('10.0.0.1:40000', '10.0.0.2:4433').frames, { dissectors: [tls] });
  assert.equal(sessions[0].protocol, 'tls');
  const [r] = tlsOf(sessions[0])!;
  assert.equal(r.serverName, 'example.com');
  assert.equal(r.certificates.length, 1);
  assert.equal(r.established, true);
  assert.deepEqual(sessions[0].marks, []);
  assert.deepEqual(
    sessions[0].display.map((l) => l.label),
    ['ClientHello', 'ServerHello', 'Certificate'],
  );
});

test('with http loaded: TLS on an HTTP port (8080) is TLS, HTTP on the HTTPS port (443) is HTTP', async () => {
  const onHttpPort = await dissectFrames(conversation('10.0.0.1:40000', '10.0.0.2:8080').frames, { plugins: ['http'], dissectors: [tls] });
  assert.equal(onHttpPort.sessions[0].protocol, 'tls');
  assert.equal(tlsOf(onHttpPort.sessions[0])![0].serverName, 'example.com');

  const plain = new Conversation('10.0.0.1:40000', '10.0.0.2:443').handshake();
  plain.send('client', 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').close();
  const onTlsPort = await dissectFrames(plain.frames, { plugins: ['http'], dissectors: [tls] });
  assert.equal(onTlsPort.sessions[0].protocol, 'http');
  assert.deepEqual(onTlsPort.sessions[0].marks, []);
});

test('a session whose SYN was not seen, roles guessed wrong from the ports, is turned round by the ClientHello', async () => {
  // Without the handshake the lower port (30000) is taken for the server's: the hello says otherwise.
  const { sessions } = await dissectFrames(conversation('10.0.0.1:30000', '10.0.0.2:40000', { handshake: false }).frames, { dissectors: [tls] });
  assert.equal(sessions[0].protocol, 'tls');
  assert.equal(sessions[0].client.port, 30000);
  const [r] = tlsOf(sessions[0])!;
  assert.equal(r.serverName, 'example.com');
  assert.equal(r.version, 'TLSv12');
});
