import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionRecord } from '../output/session-record.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { Reporter } from '../pipeline/reporter.js';
import { CaptureClock, defaultServices } from '../pipeline/services.js';
import { Statistics } from '../pipeline/statistics.js';
import { newFrame } from '../sources/frame.js';
import { Conversation, type TimedFrame } from '../testing/packet-builder.js';
import type { SessionWatch, Trigger } from '../triggers/api.js';
import { TriggerEngine } from '../triggers/trigger-engine.js';
import type { Dissector } from './api.js';
import { DEFERRED_BYTES_PER_SESSION } from './deferred-dissection.js';

/**
 * A dissector on port 7 that shows what it was given and when: a record and a display line per
 * data call (with the clock's time), a mark for data that says "mark", and when it was created
 * (the clock's time, and how many packets had been read then).
 */
function echo(clock: CaptureClock, stats: Statistics) {
  const created: number[] = [];
  const createdAfter: number[] = [];
  let bytes = 0;
  const dissector: Dissector = {
    name: 'echo',
    ports: [7],
    create: (ctx) => {
      created.push(clock.time);
      createdAfter.push(stats.packets);
      return {
        data: (dir, data, at) => {
          bytes += data.length;
          const text = Buffer.from(data.subarray(0, 12)).toString('latin1');
          ctx.emit({ dir, text, at, now: ctx.services.clock.now() });
          ctx.display({ label: 'Data', text, dir });
          if (text.startsWith('mark')) ctx.mark(`echo.${text}`);
        },
        gap: (dir, length) => ctx.emit({ dir, gap: length }),
        end: (reason) => {
          ctx.emit({ end: reason, now: ctx.services.clock.now() });
          ctx.mark(`echo.end-${reason}`);
        },
      };
    },
  };
  return { dissector, created, createdAfter, bytes: () => bytes };
}

/** A trigger from a watch made per session. */
const trigger = (name: string, watch: (fire: () => void) => SessionWatch): Trigger => ({ name, watch: (_session, fire) => watch(fire) });
const fireAtSegment = (n: number) => trigger(`segment-${n}`, (fire) => ({ segment: (e) => void (e.number === n && fire()) }));
const fireAtEnd = trigger('end', (fire) => ({ end: fire }));
/** Throws at segment `n`: the session gets a `trigger-error` mark there, between the dissector's. */
const failAtSegment = (n: number) =>
  trigger(`fails-${n}`, () => ({
    segment: (e) => {
      if (e.number === n) throw new Error('on purpose');
    },
  }));
const readsRecords = trigger('reads', () => ({ record: () => {} }));

function run(frames: readonly TimedFrame[], triggers: Trigger[], dissectOnDemand: boolean) {
  const clock = new CaptureClock();
  const stats = new Statistics();
  const services = defaultServices(clock, {}, { warn: () => {}, debug: () => {} });
  const { dissector, created, createdAfter, bytes } = echo(clock, stats);
  const reported: object[] = [];
  const sink = { session: (s: never) => void reported.push({ ...sessionRecord(s), display: structuredClone((s as { displayLines: unknown }).displayLines) }), finish: () => {} };
  const reporter = new Reporter([sink], stats, false);
  const engine = new TriggerEngine(triggers);
  const pipeline = new Pipeline({ clock, services, stats, dissectors: [dissector], observers: [engine], keepDisplay: true, dissectOnDemand }, reporter.finished);
  const frame = newFrame();
  for (const [i, f] of frames.entries()) {
    Object.assign(frame, { data: f.data, offset: 0, caplen: f.data.length, wireLen: f.data.length, tsSec: Math.floor(f.time), index: i + 1 });
    frame.tsNsec = Math.round((f.time - frame.tsSec) * 1e9);
    pipeline.frame(frame);
  }
  pipeline.finish('eof');
  return { reported, created, createdAfter, bytes: bytes(), stats, held: pipeline.tracker.deferral.held };
}

/** Both ways: what is reported must be the same, whether dissection waited or not. */
function bothWays(frames: readonly TimedFrame[], triggers: Trigger[]) {
  const eager = run(frames, triggers, false);
  const onDemand = run(frames, triggers, true);
  assert.deepEqual(onDemand.reported, eager.reported);
  return { eager, onDemand };
}

function conversation(): Conversation {
  return new Conversation('10.0.0.1:40000', '10.0.0.2:7')
    .handshake()
    .send('client', 'hello')
    .send('server', 'mark-one')
    .send('client', 'again')
    .send('server', 'x', { lost: true })
    .send('client', 'mark-two')
    .close();
}

test('a session no trigger reports is never dissected, and counted so', () => {
  const { created, reported, stats, held } = run(conversation().frames, [fireAtSegment(1000)], true);
  assert.deepEqual([created.length, reported.length, stats.notDissected, held], [0, 0, 1, 0]);
});

test('reported at its end: the replay gives the records, display lines, times and marks of a dissection as it arrived', () => {
  // The trigger error lands between the dissector's two marks; the replay must keep that order.
  const { eager, onDemand } = bothWays(conversation().frames, [fireAtEnd, failAtSegment(8)]);
  const session = onDemand.reported[0] as { marks: string[]; echo: { at: number; now: number }[]; display: { segment: number }[] };
  assert.deepEqual(session.marks, ['echo.mark-one', 'trigger-error: fails-8: on purpose', 'echo.mark-two', 'echo.end-fin']);
  assert.deepEqual(session.display.map((d) => d.segment), [4, 6, 8, 11]);
  for (const record of session.echo) if ('at' in record) assert.equal(record.now, record.at);
  // Created once the session was over, at the moment of its first payload, as it would have been.
  assert.deepEqual([eager.createdAfter, onDemand.createdAfter], [[4], [conversation().frames.length]]);
  assert.deepEqual(onDemand.created, eager.created);
  assert.equal(onDemand.stats.notDissected, 0);
});

test('a trigger that fires mid-session starts the dissection there: what came before is replayed, the rest arrives live', () => {
  const { eager, onDemand } = bothWays(conversation().frames, [fireAtSegment(8)]);
  assert.deepEqual([eager.createdAfter, onDemand.createdAfter, onDemand.created], [[4], [8], eager.created]);
  assert.equal((onDemand.reported[0] as { echo: unknown[] }).echo.length, 6);
});

test('a trigger that reads records gets them as they happen: no session waits', () => {
  const { eager, onDemand } = bothWays(conversation().frames, [readsRecords, fireAtEnd]);
  assert.deepEqual(onDemand.createdAfter, eager.createdAfter);
});

test('a stream longer than the bound is dissected as it arrives from then on, reported or not', () => {
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7').handshake();
  const chunk = Buffer.alloc(60_000, 'a');
  const chunks = Math.ceil((DEFERRED_BYTES_PER_SESSION * 1.5) / chunk.length);
  for (let i = 0; i < chunks; i++) c.send('client', chunk);
  c.close();
  const unreported = run(c.frames, [], true);
  assert.deepEqual([unreported.created.length, unreported.bytes, unreported.stats.notDissected, unreported.held], [1, chunks * chunk.length, 0, 0]);
  bothWays(c.frames, [fireAtEnd]);
});

test('ended by the idle timeout at a later packet of another session: the replayed end comes at that moment', () => {
  const idle = new Conversation('10.0.0.1:40000', '10.0.0.2:7').handshake().send('client', 'hello');
  const later = new Conversation('10.0.0.3:40001', '10.0.0.2:7', { start: idle.time + 500 }).handshake();
  const { onDemand } = bothWays([...idle.frames, ...later.frames], [fireAtEnd]);
  const ended = (onDemand.reported[0] as { echo: { end?: string; now: number }[] }).echo.find((r) => r.end);
  assert.deepEqual(ended, { end: 'timeout', now: later.frames[0]!.time });
});
