import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dissector } from '../dissect/api.js';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation } from '../testing/packet-builder.js';

/** A dissector that records what it is given, to see what the streams deliver. */
function recorder(name = 'echo', ports = [7]): Dissector & { log: string[] } {
  const log: string[] = [];
  return {
    name,
    ports,
    log,
    create: (ctx) => ({
      data: (dir, bytes) => log.push(`${dir}:${Buffer.from(bytes).toString('latin1')}`),
      gap: (dir, length) => log.push(`${dir}:[gap ${length}]`),
      end: (reason) => {
        log.push(`end:${reason}`);
        ctx.emit({ lines: log.length });
      },
    }),
  };
}

test('a whole connection: client is the SYN sender, bytes per side, closed', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7').handshake().send('client', 'ping').send('server', 'pong!').close();
  const echo = recorder();
  const { sessions, stats } = await dissectFrames(c.frames, { dissectors: [echo] });
  assert.equal(sessions.length, 1);
  const s = sessions[0]!;
  assert.deepEqual([s.client, s.server, s.bytes, s.state, s.packets, s.protocol], [
    { ip: '10.0.0.1', port: 40000 },
    { ip: '10.0.0.2', port: 7 },
    { client: 4, server: 5 },
    'closed',
    10,
    'echo',
  ]);
  assert.deepEqual(echo.log, ['client:ping', 'server:pong!', 'end:fin']);
  assert.deepEqual(s.echo, [{ lines: 3 }]);
  assert.equal(stats.sessions, 1);
});

test('a session open before the capture: the server is on the well-known port even when it speaks first, state open at the end', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7');
  c.send('server', 'late data');
  const { sessions } = await dissectFrames(c.frames);
  assert.deepEqual([sessions[0]!.client.port, sessions[0]!.state, sessions[0]!.endReason], [40000, 'open', 'eof']);
});

test('a SYN-ACK seen first: its receiver is the client', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7');
  c.segment('server', 'SA', '', { consume: 1 });
  c.segment('client', 'A', '');
  const { sessions } = await dissectFrames(c.frames);
  assert.equal(sessions[0]!.client.port, 40000);
});

test('reset, and the same ports reused by a new connection', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn: 100 });
  c.handshake().send('client', 'x').reset('server');
  const again = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn: 900, start: c.time + 0.5 });
  again.handshake().send('client', 'second').close();
  const { sessions } = await dissectFrames([...c.frames, ...again.frames]);
  assert.deepEqual(sessions.map((s) => [s.state, s.bytes.client]), [['reset', 1], ['closed', 6]]);
});

test('out-of-order data reaches the dissector in order; a hole is a gap', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7').handshake();
  const base = c.seq('client');
  c.segment('client', 'PA', 'world', { seq: base + 5 });
  c.segment('client', 'PA', 'hello', { seq: base });
  c.segment('client', 'PA', 'tail', { seq: base + 20 });
  const echo = recorder();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [echo] });
  assert.deepEqual(echo.log, ['client:hello', 'client:world', 'client:[gap 10]', 'client:tail', 'end:eof']);
  assert.deepEqual([sessions[0]!.bytes.client, sessions[0]!.tcp.missingBytes], [14, 10]);
});

test('an idle session times out; the session limit evicts the idlest', async () => {
  const a = new Conversation('10.0.0.1:1', '10.0.0.2:7').handshake();
  const b = new Conversation('10.0.0.1:2', '10.0.0.2:7', { start: a.time + 200 }).handshake();
  const { sessions, stats } = await dissectFrames([...a.frames, ...b.frames]);
  assert.deepEqual(sessions.map((s) => [s.client.port, s.state, s.endReason]), [[1, 'timeout', 'timeout'], [2, 'open', 'eof']]);
  assert.equal(stats.evictedSessions, 0);
});

test('a dissector that throws is isolated: the session is marked, the run goes on', async () => {
  const bad: Dissector = { name: 'bad', ports: [7], create: () => ({ data: () => { throw new Error('boom'); }, gap() {}, end() {} }) };
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7').handshake().send('client', 'a').send('client', 'b').close();
  const d = new Conversation('10.0.0.1:40001', '10.0.0.2:7', { start: c.time }).handshake().close();
  const { sessions } = await dissectFrames([...c.frames, ...d.frames], { dissectors: [bad] });
  assert.equal(sessions.length, 2);
  assert.deepEqual(sessions[0]!.marks, ['dissector-error: bad: boom']);
});

test('content detection: a probe finds the protocol on any port; a rejecting dissector steps back', async () => {
  const greedy: Dissector = {
    name: 'greedy',
    probe: () => 'yes',
    create: (ctx) => ({ data: () => ctx.reject('not mine'), gap() {}, end() {} }),
  };
  const echo = { ...recorder('echo', []), probe: (_dir: string, head: Uint8Array) => (head[0] === 0x21 ? 'yes' : 'no') } as Dissector & { log: string[] };
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:5555').handshake().send('client', '!hi').close();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [greedy, echo] });
  assert.equal(sessions[0]!.protocol, 'echo');
  assert.deepEqual(echo.log, ['client:!hi', 'end:fin']);
});

test('a retransmission whose bytes differ from the first copy: the first copy is delivered, the session marked and counted', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn: 100 }).handshake();
  c.segment('client', 'PA', 'world', { seq: 106 }); // ahead of a hole of 5 bytes
  c.segment('client', 'PA', 'WORLD', { seq: 106 }); // the same range, other bytes
  c.segment('client', 'PA', 'hello', { seq: 101 });
  const echo = recorder();
  const { sessions, stats } = await dissectFrames(c.frames, { dissectors: [echo] });
  assert.deepEqual(echo.log.slice(0, 2), ['client:hello', 'client:world']);
  assert.deepEqual(sessions[0]!.marks, ['tcp.overlap-conflict']);
  assert.equal(stats.overlapConflicts, 1);
});

test('a finished session leaves a tombstone: its late segments are absorbed, a new SYN on the tuple starts a new session', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn: 100 }).handshake().send('client', 'one').close();
  c.wait(3); // past the 2 s linger: the session is finished
  c.segment('server', 'FA', '', { seq: 5000 }); // a late FIN retransmission
  c.segment('client', 'A', '');
  const second = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn: 9000, start: c.time + 1 });
  second.handshake().send('client', 'two').close();
  const echo = recorder();
  const { sessions, stats } = await dissectFrames([...c.frames, ...second.frames], { dissectors: [echo] });
  assert.equal(stats.sessions, 2);
  assert.deepEqual(sessions.map((s) => [s.packets, s.state, s.bytes.client]), [[8, 'closed', 3], [8, 'closed', 3]]);
  assert.deepEqual(echo.log.filter((l) => l.startsWith('client:')), ['client:one', 'client:two']);
});

test('a lost segment before the FIN, with an initial sequence number of 2^31 or more: the session still closes', async () => {
  for (const clientIsn of [1000, 3_493_515_683]) {
    const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { clientIsn }).handshake();
    c.send('client', 'lost');
    c.frames.splice(-2, 1); // the data segment was never captured (its ACK was)
    c.send('server', 'hi').close();
    const { sessions } = await dissectFrames(c.frames, { dissectors: [recorder()] });
    assert.deepEqual([sessions[0]!.state, sessions[0]!.endReason, sessions[0]!.tcp.missingBytes], ['closed', 'fin', 4], `ISN ${clientIsn}`);
  }
});
