import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import type { HttpExchange } from './http-record.js';
import http from './index.js';

test('no handshake, and the ports make the wrong side the client (the server on the higher port): the side that sends a request is the client', async () => {
  // Joined after the handshake: the lower port, 30000, is guessed to be the server's.
  const c = new Conversation('10.0.0.1:30000', '10.0.0.2:45000', { start: 1_700_000_000 });
  c.send('client', 'GET /late HTTP/1.1\r\nHost: x\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  const { sessions } = await dissectFrames(c.frames, { dissectors: [http] });
  assert.equal(sessions.length, 1);
  const s = sessions[0]!;
  assert.deepEqual([s.client.port, s.server.port, s.bytes], [30000, 45000, { client: 31, server: 40 }]);
  const [exchange] = s.http as HttpExchange[];
  assert.deepEqual([exchange!.method, exchange!.uri, exchange!.status, s.marks], ['GET', '/late', 200, []]);
});
