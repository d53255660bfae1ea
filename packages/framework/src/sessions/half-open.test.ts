import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation, type TimedFrame } from '../testing/packet-builder.js';

/** Runs frames with these tracker limits; the finished sessions (client port, end reason, packets), in order. */
async function run(frames: readonly TimedFrame[], limits: { halfOpen?: number; sessions?: number }) {
  const { sessions, stats } = await dissectFrames(frames, { limits });
  return { finished: sessions.map((s) => ({ port: s.client.port, reason: s.endReason, packets: s.packets })), stats };
}

/** SYNs from `count` clients (ports 2000...) that never get an answer. */
function synFlood(count: number, time: number): TimedFrame[] {
  return Array.from({ length: count }, (_, i) => {
    const c = new Conversation(`10.9.${i >> 8}.${i & 255}:${2000 + i}`, '10.0.0.2:80', { start: time + i * 0.001 });
    c.segment('client', 'S', '', { consume: 1 });
    return c.frames[0]!;
  });
}

test('a SYN flood churns through the half-open limit and leaves established sessions alone', async () => {
  const established = new Conversation('10.0.0.1:1000', '10.0.0.2:80', { start: 1 }).handshake().send('client', 'GET / HTTP/1.0\r\n\r\n');
  // A SYN answered after the flood: its session is half-open (and pushes one more flood SYN
  // out) until the SYN-ACK takes it out of the queue; it stays.
  const answered = new Conversation('10.9.9.9:9999', '10.0.0.2:80', { start: 2.5 }).handshake();
  const frames = [...established.frames, ...synFlood(10, 2), ...answered.frames].sort((a, b) => a.time - b.time);
  const { finished, stats } = await run(frames, { halfOpen: 4, sessions: 100 });
  const evicted = finished.filter((s) => s.reason === 'evicted').map((s) => s.port);
  assert.deepEqual(evicted, [2000, 2001, 2002, 2003, 2004, 2005, 2006]);
  assert.deepEqual([stats.halfOpenEvicted, stats.evictedSessions], [7, 7]);
  const atEnd = finished.filter((s) => s.reason === 'eof').map((s) => s.port);
  assert.deepEqual(atEnd, [1000, 2007, 2008, 2009, 9999]);
});

test('a retransmitted SYN keeps a session half-open; any other packet takes it out', async () => {
  const retried = new Conversation('10.0.0.1:1000', '10.0.0.2:80', { start: 1 });
  retried.segment('client', 'S', '', { consume: 0 });
  retried.segment('client', 'S', '', { consume: 1 });
  const refused = new Conversation('10.0.0.1:1001', '10.0.0.2:80', { start: 1.1 });
  refused.segment('client', 'S', '', { consume: 1 });
  refused.segment('server', 'RA', '');
  const frames = [...retried.frames, ...refused.frames, ...synFlood(2, 2)].sort((a, b) => a.time - b.time);
  const { finished } = await run(frames, { halfOpen: 2 });
  // The refused connection closed (not half-open); the retried one was the oldest half-open.
  assert.deepEqual(finished.filter((s) => s.reason === 'evicted').map((s) => [s.port, s.packets]), [[1000, 2]]);
});
