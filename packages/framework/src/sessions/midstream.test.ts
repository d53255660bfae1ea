// Sessions picked up in the middle, and the TCP details that matter there: which side is the
// server, keep-alive probes that open a direction, bytes lost at the start of a direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dissector } from '../dissect/api.js';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation } from '../testing/packet-builder.js';

/** A dissector on `ports` that logs what each direction delivers. */
function recorder(ports: number[]): Dissector & { log: string[] } {
  const log: string[] = [];
  return {
    name: 'recorder',
    ports,
    log,
    create: () => ({
      data: (dir, bytes) => log.push(`${dir}:${Buffer.from(bytes).toString('latin1')}`),
      gap: (dir, length) => log.push(`${dir}:[gap ${length}]`),
      end: () => {},
    }),
  };
}

test('a keep-alive probe that opens a direction seen mid-stream is not stream data: the request after it is HTTP', async () => {
  // As in a real capture (a Windows client's probes, 1 garbage byte at SND.NXT - 1, twice, then a POST).
  const c = new Conversation('10.0.0.1:61541', '81.218.72.15:80', { clientIsn: 2871 });
  c.segment('client', 'A', '\0', { seq: 2870 }).segment('client', 'A', '\0', { seq: 2870 });
  c.segment('server', 'A', '');
  c.send('client', 'POST /q HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  const { sessions } = await dissectFrames(c.frames, { plugins: ['http'] });
  const s = sessions[0]!;
  assert.deepEqual(s.marks, []);
  assert.deepEqual((s.http as { method: string; uri: string; status: number }[]).map((h) => [h.method, h.uri, h.status]), [['POST', '/q', 200]]);
  assert.equal(s.bytes.client, 50, 'the probes are not counted as payload');
});

test('a probe below the byte the peer already acknowledged is not data either', async () => {
  const c = new Conversation('10.0.0.1:50000', '10.0.0.2:7', { clientIsn: 1000 });
  c.segment('server', 'A', ''); // acknowledges 1000
  c.segment('client', 'A', '\0', { seq: 999 });
  c.send('client', 'ping');
  const echo = recorder([7]);
  const { sessions } = await dissectFrames(c.frames, { dissectors: [echo] });
  assert.deepEqual(echo.log, ['client:ping']);
  assert.deepEqual([sessions[0]!.bytes.client, sessions[0]!.tcp.missingBytes], [4, 0]);
});

test("bytes lost at the start of a direction whose handshake was seen (its SYN-ACK lost) are missing, and a gap", async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7');
  c.segment('client', 'S', '', { consume: 1, ack: 0 });
  c.lose('server', 1); // the SYN-ACK never reached the capture
  c.segment('client', 'A', '');
  c.send('client', 'request', { ack: false });
  c.send('server', 'x'.repeat(4320), { lost: true }); // the first 4,320 bytes of the answer, lost
  // Only the client's handshake ACK said where the server's bytes start.
  c.send('server', 'rest').close();
  const echo = recorder([7]);
  const { sessions } = await dissectFrames(c.frames, { dissectors: [echo] });
  assert.deepEqual(echo.log, ['client:request', 'server:[gap 4320]', 'server:rest']);
  assert.deepEqual([sessions[0]!.bytes.server, sessions[0]!.tcp.missingBytes], [4, 4320]);
});

test('no handshake: the server is the side on a port a dissector claims, else a well-known port, else the lower port', async () => {
  const roles = async (a: string, b: string, claimed: number[] = []) => {
    const c = new Conversation(a, b);
    c.send('client', 'x', { ack: false });
    const { sessions } = await dissectFrames(c.frames, { dissectors: [recorder(claimed)] });
    return `${sessions[0]!.client.port}->${sessions[0]!.server.port}`;
  };
  assert.equal(await roles('10.0.0.2:7', '10.0.0.1:40000'), '40000->7', 'a well-known port');
  assert.equal(await roles('10.0.0.2:6379', '10.0.0.1:1234', [6379]), '1234->6379', 'a port a dissector claims, above a lower one');
  assert.equal(await roles('10.0.0.2:8080', '10.0.0.1:50000'), '50000->8080', 'the lower port');
  assert.equal(await roles('10.0.0.1:50000', '10.0.0.2:8080'), '50000->8080', 'the lower port, whoever sends first');
  assert.equal(await roles('10.0.0.1:9000', '10.0.0.2:9000'), '9000->9000');
  const sa = new Conversation('10.0.0.1:40000', '10.0.0.2:7');
  sa.segment('server', 'SA', '', { consume: 1 });
  assert.equal((await dissectFrames(sa.frames)).sessions[0]!.client.port, 40000, 'a SYN-ACK sender is the server whatever its port');
});

/**
 * A question/answer protocol: the client asks `Q...`, the server answers `A...`. A question
 * from the side called server means the roles were guessed wrong: it asks for a swap.
 */
function askAnswer(log: string[]): Dissector {
  return {
    name: 'qa',
    probe: (_dir, head) => (head[0] === 0x51 || head[0] === 0x41 ? 'yes' : 'no'),
    create: (ctx) => {
      const asked: string[] = [];
      log.push(`create ${ctx.client.port}->${ctx.server.port}`);
      return {
        data(dir, bytes) {
          const text = Buffer.from(bytes).toString('latin1');
          if (dir === 'server' && text.startsWith('Q')) {
            const swapped = ctx.swapRoles();
            log.push(`swapRoles: ${swapped}`);
            if (swapped) return;
          }
          log.push(`${dir}:${text}`);
          ctx.display({ label: 'Line', text, dir });
          if (text.startsWith('Q')) asked.push(text);
          else ctx.emit({ question: asked.shift() ?? null, answer: text });
        },
        gap() {},
        end() {},
      };
    },
  };
}

/** Logs each segment's direction as observers see it, and the `swapped` calls. */
function directionLog(log: string[]) {
  return {
    swapped: (session: { client: { port: number } }) => log.push(`swapped: client ${session.client.port}`),
    segment: (_session: unknown, event: { dir: string; tcp: { payloadLength: number } }) => {
      if (event.tcp.payloadLength > 0) log.push(`segment from ${event.dir}`);
    },
  };
}

test('a dissector that sees the roles reversed swaps them: a new session of it gets the bytes with the directions swapped', async () => {
  // The client's port is the lower one: the ports make it the server.
  const c = new Conversation('10.0.0.1:5000', '10.0.0.2:6000');
  c.send('client', 'Q1').send('server', 'A1').send('client', 'Q2').send('server', 'A2');
  const log: string[] = [];
  const seen: string[] = [];
  const { sessions } = await dissectFrames(c.frames, { dissectors: [askAnswer(log)], observers: [directionLog(seen)] });
  const s = sessions[0]!;
  assert.deepEqual([s.client.port, s.server.port, s.bytes], [5000, 6000, { client: 4, server: 4 }]);
  assert.deepEqual(log, ['create 6000->5000', 'swapRoles: true', 'create 5000->6000', 'client:Q1', 'server:A1', 'client:Q2', 'server:A2']);
  assert.deepEqual(s.qa, [{ question: 'Q1', answer: 'A1' }, { question: 'Q2', answer: 'A2' }]);
  assert.deepEqual(s.display.map((l) => `${l.dir}:${l.text}`), ['client:Q1', 'server:A1', 'client:Q2', 'server:A2']);
  assert.deepEqual(seen, ['swapped: client 5000', 'segment from client', 'segment from server', 'segment from client', 'segment from server']);
});

test('roles a handshake showed are not swapped; a session swaps once', async () => {
  const c = new Conversation('10.0.0.1:6000', '10.0.0.2:5000').handshake();
  c.send('server', 'Q1').send('client', 'A1');
  const log: string[] = [];
  const { sessions } = await dissectFrames(c.frames, { dissectors: [askAnswer(log)] });
  assert.deepEqual([sessions[0]!.client.port, log.slice(0, 2)], [6000, ['create 6000->5000', 'swapRoles: false']]);

  const twice = new Conversation('10.0.0.1:5000', '10.0.0.2:6000');
  twice.send('client', 'Q1').send('server', 'Q2');
  const again: string[] = [];
  await dissectFrames(twice.frames, { dissectors: [askAnswer(again)] });
  assert.deepEqual(again.filter((l) => l.startsWith('swapRoles')), ['swapRoles: true', 'swapRoles: false']);
});
