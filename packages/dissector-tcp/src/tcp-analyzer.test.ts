import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import { TcpAnalyzer } from './tcp-analyzer.js';

const analyze = (c: Conversation) => dissectFrames(c.frames, { observers: [new TcpAnalyzer()] }).then((r) => r.sessions[0]!);

test('a clean connection: no anomalies, states to the end', async () => {
  const s = await analyze(new Conversation('10.0.0.1:40000', '10.0.0.2:80').handshake().send('client', 'hi').send('server', 'yo').close());
  assert.deepEqual(s.tcp, { retransmissions: 0, outOfOrder: 0, dupAcks: 0, synRetransmissions: 0, resets: 0, zeroWindows: 0, missingBytes: 0 });
});

test('SYN retransmission counts apart from data retransmissions', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:80');
  c.segment('client', 'S', '', { seq: 1000, consume: 0 }).wait(1).segment('client', 'S', '', { seq: 1000, consume: 1 });
  c.segment('server', 'SA', '', { consume: 1 }).segment('client', 'A', '');
  const s = await analyze(c);
  assert.deepEqual([s.tcp.synRetransmissions, s.tcp.retransmissions], [1, 0]);
});

test('a segment sent again after a while is a retransmission; one reordered within the RTT is out of order', async () => {
  const late = new Conversation('10.0.0.1:40000', '10.0.0.2:80').handshake();
  const base = late.seq('client');
  late.send('client', 'abcd').wait(0.5).segment('client', 'PA', 'abcd', { seq: base });
  assert.deepEqual([(await analyze(late)).tcp.retransmissions, (await analyze(late)).tcp.outOfOrder], [1, 0]);

  const reordered = new Conversation('10.0.0.1:40000', '10.0.0.2:80', { step: 0.0001 }).handshake();
  const start = reordered.seq('client');
  reordered.segment('client', 'PA', 'efgh', { seq: start + 4 }).segment('client', 'PA', 'abcd', { seq: start });
  const s = await analyze(reordered);
  assert.deepEqual([s.tcp.retransmissions, s.tcp.outOfOrder, s.bytes.client], [0, 1, 8]);
});

test('duplicate ACKs, zero window, reset', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:80').handshake();
  c.send('server', 'data', { ack: false });
  c.segment('client', 'A', '').segment('client', 'A', '').segment('client', 'A', '');
  c.reset('client');
  const s = await analyze(c);
  assert.equal(s.tcp.dupAcks, 2);
  assert.equal(s.tcp.resets, 1);
  assert.equal(s.state, 'reset');
});
