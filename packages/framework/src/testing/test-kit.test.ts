import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dissector } from '../dissect/api.js';
import { lazySchema } from '../config/zod.js';
import { duration } from '../config/units.js';
import type { TriggerKind } from '../triggers/api.js';
import { Conversation, dissectFrames, fakeContext, parseDissectorOptions } from './index.js';

/** Emits what it is given, so that tests see the stream a dissector sees; options as given. */
const recorder: Dissector<{ label: string; slowAfter: number }> = {
  name: 'rec',
  ports: [7000],
  options: lazySchema((z) => z.object({ label: z.string().default('rec'), slowAfter: duration().default(1) }).strict()),
  create: (context) => ({
    data: (dir, bytes) => {
      context.emit({ dir, data: Buffer.from(bytes).toString('latin1') });
      context.display({ label: context.options.label, text: `${bytes.length} bytes`, dir });
    },
    gap: (dir, length) => {
      context.emit({ dir, gap: length });
      context.mark('rec.gap');
    },
    end: () => context.emit({ options: context.options }),
  }),
};

/** Sequence numbers of the frames from one port (Ethernet + IPv4: the TCP header at byte 34). */
function sequenceNumbers(c: Conversation, port: number): number[] {
  return c.frames.flatMap((f) => (f.data.readUInt16BE(34) === port ? [f.data.readUInt32BE(38)] : []));
}

test('segment with seq and consume moves the side on (it stayed put before); without consume a retransmission does not', () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000', { clientIsn: 1000 });
  c.handshake();
  const start = c.seq('client');
  c.segment('client', 'PA', 'later', { seq: start + 100, consume: 105 });
  assert.equal(c.seq('client'), start + 105);
  c.segment('client', 'PA', 'later', { seq: start + 100 });
  assert.equal(c.seq('client'), start + 105, 'a retransmission leaves the next sequence number');
  c.send('client', 'next');
  assert.deepEqual(sequenceNumbers(c, 40000).slice(-3), [start + 100, start + 100, start + 105]);
});

test('lose and send lost: holes the dissector gets as gaps, with the data after them in place', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake();
  c.send('client', 'hello').lose('client', 100).send('client', 'after');
  c.send('server', 'one').send('server', 'missing', { lost: true }).send('server', 'two').close();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [recorder] });
  const records = sessions[0]!.rec as object[];
  assert.deepEqual(records.slice(0, -1), [
    { dir: 'client', data: 'hello' },
    { dir: 'client', gap: 100 },
    { dir: 'client', data: 'after' },
    { dir: 'server', data: 'one' },
    { dir: 'server', gap: 7 },
    { dir: 'server', data: 'two' },
  ]);
  assert.equal(sessions[0]!.tcp.missingBytes, 107);
  assert.deepEqual(sessions[0]!.marks, ['rec.gap']);
});

test('dissectFrames: options validated with the dissector schema (defaults filled), display lines per session', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake().send('client', 'abc').close();
  const { sessions } = await dissectFrames(c.frames, { dissectors: [recorder], options: { rec: { label: 'Bytes', slowAfter: '250ms' } } });
  const records = sessions[0]!.rec as object[];
  assert.deepEqual(records.at(-1), { options: { label: 'Bytes', slowAfter: 0.25 } });
  assert.deepEqual(sessions[0]!.display, [{ label: 'Bytes', text: '3 bytes', dir: 'client', segment: 4 }]);
  const defaults = await dissectFrames(c.frames, { dissectors: [recorder] });
  assert.deepEqual((defaults.sessions[0]!.rec as object[]).at(-1), { options: { label: 'rec', slowAfter: 1 } });
});

test('dissectFrames: a bad option or an unknown dissector name throws one clear error', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake();
  await assert.rejects(dissectFrames(c.frames, { dissectors: [recorder], options: { rec: { slowAfter: 'soon' } } }), /^Error: dissectors\.rec\.slowAfter: not a duration: "soon"/);
  await assert.rejects(dissectFrames(c.frames, { dissectors: [recorder], options: { rec: { lable: 'x' } } }), /dissectors\.rec\.lable: unknown key "lable"/);
  await assert.rejects(dissectFrames(c.frames, { dissectors: [recorder], options: { nope: {} } }), /dissectors\.nope: unknown dissector "nope" \(known: rec\)/);
});

test('dissectFrames with triggers: built from config nodes with the bundled kinds, the TCP analyzer first; every session returned', async () => {
  const ok = new Conversation('10.0.0.1:40001', '10.0.0.2:80').handshake();
  ok.send('client', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').close();
  const failed = new Conversation('10.0.0.1:40002', '10.0.0.2:80', { start: 1_700_000_001 }).handshake();
  failed.send('client', 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n').send('server', 'HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n').reset('client');
  const { sessions, stats } = await dissectFrames([...ok.frames, ...failed.frames], { plugins: ['http'], triggers: ['tcp.reset', { 'http.status': { min: 500 } }] });
  assert.deepEqual(sessions.map((s) => [s.client.port, s.triggers]), [[40001, []], [40002, ['http.status', 'tcp.reset']]]);
  assert.equal(sessions[1]!.tcp.resets, 1, 'the TCP analyzer ran');
  assert.deepEqual(stats.byTrigger, { 'tcp.reset': 1, 'http.status': 1 });
  assert.deepEqual(sessions[0]!.display.map((d) => `${d.dir} ${d.label}: ${d.text}`), ['client RequestLine: GET / HTTP/1.1', 'client Header: Host: a', 'server ResponseLine: HTTP/1.1 200 OK']);
});

test('dissectFrames with triggerKinds under test, and trigger problems thrown as one line', async () => {
  const seen: string[] = [];
  const recordCount: TriggerKind<{ atLeast: number }> = {
    name: 'rec.records',
    description: 'sessions with at least atLeast records of rec',
    options: lazySchema((z) => z.object({ atLeast: z.number().int().positive() }).strict()),
    create: ({ atLeast }) => ({
      name: 'rec.records',
      watch: (_session, fire) => {
        let count = 0;
        return {
          record: (protocol) => void (protocol === 'rec' && ++count >= atLeast && fire()),
          mark: (reason) => void seen.push(reason),
        };
      },
    }),
  };
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake().send('client', 'a').lose('client', 5).send('client', 'b').close();
  const options = { dissectors: [recorder], triggerKinds: [recordCount] };
  const { sessions } = await dissectFrames(c.frames, { ...options, triggers: [{ 'rec.records': { atLeast: 3 } }] });
  assert.deepEqual(sessions[0]!.triggers, ['rec.records']);
  assert.deepEqual(seen, ['rec.gap']);
  await assert.rejects(dissectFrames(c.frames, { ...options, triggers: [{ 'rec.records': { atLeast: 0 } }] }), /^Error: trigger \{"rec.records":\{"atLeast":0\}\}: rec.records.atLeast: Too small/);
  await assert.rejects(dissectFrames(c.frames, { ...options, triggers: ['rec.nothing'] }), /unknown trigger "rec.nothing" \(known: .*rec.records/);
});

test('dissectFrames: a dissector that throws is isolated, its warning kept with the stack trace', async () => {
  const thrower: Dissector = { name: 'boom', ports: [7000], create: () => ({ data: () => { throw new Error('bad byte'); }, gap: () => {}, end: () => {} }) };
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake().send('client', 'x').close();
  const { sessions, warnings } = await dissectFrames(c.frames, { dissectors: [thrower] });
  assert.deepEqual(sessions[0]!.marks, ['dissector-error: boom: bad byte']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /dissector boom failed: bad byte[^]*\n\s+at /);
});

test('fakeContext records what a dissector says; options validated with its schema; the clock is the test\'s', () => {
  const context = fakeContext<{ dir?: string; data?: string; options?: object }>({ dissector: recorder, options: { slowAfter: '2s' }, server: '[2001:db8::1]:7000', now: 50 });
  assert.deepEqual(context.options, { label: 'rec', slowAfter: 2 });
  assert.deepEqual(context.server, { ip: '2001:db8::1', port: 7000 });
  const session = recorder.create(context);
  session.data('client', Buffer.from('hi'), context.now);
  session.gap('client', 10, context.now);
  context.now += 5;
  assert.equal(context.services.clock.now(), 55);
  context.confirm();
  session.end('fin');
  assert.deepEqual(context.records, [{ dir: 'client', data: 'hi' }, { dir: 'client', gap: 10 }, { options: { label: 'rec', slowAfter: 2 } }]);
  assert.deepEqual(context.displayLines, [{ label: 'rec', text: '2 bytes', dir: 'client' }]);
  assert.deepEqual([context.marks, context.calls], [['rec.gap'], ['confirm']]);
  assert.throws(() => fakeContext({ dissector: recorder, options: { slowAfter: -1 } }), /options of dissector rec: slowAfter/);
  assert.deepEqual(parseDissectorOptions(recorder, {}), { label: 'rec', slowAfter: 1 });
});

test('fakeContext: after a reject (before a confirm), records and lines are dropped as the pipeline drops them', () => {
  const context = fakeContext();
  context.emit({ n: 1 });
  context.reject('not mine');
  context.emit({ n: 2 });
  context.display({ label: 'L', text: 't', dir: 'client' });
  context.services.logger.warn('careful');
  assert.deepEqual([context.records, context.displayLines, context.calls, context.logs], [[{ n: 1 }], [], ['reject: not mine'], ['warn: careful']]);
});

test('defaultOptions stand in for the schema when nothing configures a dissector: dissectFrames checks they agree', async () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7000').handshake().send('client', 'hi');
  const { sessions } = await dissectFrames(c.frames, { dissectors: [{ ...recorder, defaultOptions: { label: 'rec', slowAfter: 1 } }] });
  assert.equal(sessions[0]!.display[0]!.label, 'rec');
  await assert.rejects(
    dissectFrames(c.frames, { dissectors: [{ ...recorder, defaultOptions: { label: 'rec', slowAfter: 2 } }] }),
    /dissector rec: defaultOptions .* are not what its options schema gives for none/,
  );
});
