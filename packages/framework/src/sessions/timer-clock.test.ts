import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Statistics } from '../pipeline/statistics.js';
import { dissectFrames } from '../testing/dissect-capture.js';
import { Conversation } from '../testing/packet-builder.js';
import { TimerClock } from './timer-clock.js';

const YEARS_AHEAD = 47 * 365 * 86400;

/** The clock after these times, suspecting jumps of more than 120 s. */
function clockAfter(times: number[]): { now: number; suspect: number; outliers: number } {
  const stats = new Statistics();
  const clock = new TimerClock(120, stats);
  for (const t of times) clock.advance(t);
  return { now: clock.now, suspect: clock.suspect, outliers: stats.timestampOutliers };
}

test('the timer clock: the latest time, never back; one packet far ahead waits for the next', () => {
  assert.deepEqual(clockAfter([1000, 1001, 999, 1002]), { now: 1002, suspect: NaN, outliers: 0 });
  assert.deepEqual(clockAfter([1000, 1000 + YEARS_AHEAD]), { now: 1000, suspect: 1000 + YEARS_AHEAD, outliers: 0 });
  assert.deepEqual(clockAfter([1000, 1000 + YEARS_AHEAD, 1001]), { now: 1001, suspect: NaN, outliers: 1 }, 'an outlier');
  assert.deepEqual(clockAfter([1000, 1001, 1300, 1300.5]), { now: 1300.5, suspect: NaN, outliers: 0 }, 'a real jump, taken at the next packet');
  // 1000 and 1000 + YEARS_AHEAD are each alone on one side of a jump.
  assert.deepEqual(clockAfter([1000, 1000 + YEARS_AHEAD, 1e12, 1e12 + 1]), { now: 1e12 + 1, suspect: NaN, outliers: 2 });
  assert.deepEqual(clockAfter([1000, 1119, 1200]), { now: 1200, suspect: NaN, outliers: 0 }, 'steps within the limit');
});

test('a first packet far from the rest is an outlier, whether ahead of them or behind', () => {
  assert.deepEqual(clockAfter([1000 + YEARS_AHEAD, 1000, 1001]), { now: 1001, suspect: NaN, outliers: 1 });
  assert.deepEqual(clockAfter([0, 1000, 1001, 1002]), { now: 1002, suspect: NaN, outliers: 1 });
  assert.deepEqual(clockAfter([1000, 1300, 1301]), { now: 1301, suspect: NaN, outliers: 1 }, 'alone before a jump');
});

test('the times the clock does not trust: far ahead of it, far before its first trusted one', () => {
  const clock = new TimerClock(120, new Statistics());
  for (const t of [0, 1000, 1001, 1000 + YEARS_AHEAD, 1002]) clock.advance(t);
  assert.deepEqual([0, 999, 1002, 1200, 1000 + YEARS_AHEAD].map((t) => clock.outlier(t)), [true, false, false, true, true]);
});

test('one packet years ahead does not expire every session after it; it is counted', async () => {
  // As in a real pcapng of a MySQL session whose SYN-ACK is stamped 2061: it became 58 one-packet sessions.
  const start = 1_422_527_998.578;
  const c = new Conversation('127.0.0.1:40304', '127.0.0.1:3306', { start });
  c.segment('client', 'S', '', { consume: 1, ack: 0 });
  c.wait(YEARS_AHEAD).segment('server', 'SA', '', { consume: 1 }).wait(-YEARS_AHEAD);
  c.segment('client', 'A', '');
  for (let i = 0; i < 20; i++) c.send('client', `query ${i}`).send('server', `rows ${i}`);
  c.close();
  const other = new Conversation('127.0.0.1:40400', '127.0.0.1:3306', { start: start + 0.5 }).handshake().send('client', 'x').close();
  const { sessions, stats } = await dissectFrames([...c.frames, ...other.frames]);
  assert.deepEqual(sessions.map((s) => [s.client.port, s.packets, s.state]), [[40304, c.frames.length, 'closed'], [40400, 8, 'closed']]);
  assert.ok(sessions[0]!.duration < 1, `duration ${sessions[0]!.duration}`);
  assert.equal(stats.timestampOutliers, 1);
});

test('a quiet spell or a real jump in capture time still ends the sessions idle across it', async () => {
  const quiet = new Conversation('10.0.0.1:1', '10.0.0.2:7').handshake();
  quiet.wait(300).send('client', 'late'); // the first packet after the quiet spell belongs to the idle session
  const after = await dissectFrames(quiet.frames);
  assert.deepEqual(after.sessions.map((s) => s.endReason), ['timeout', 'eof']);

  const a = new Conversation('10.0.0.1:1', '10.0.0.2:7').handshake();
  const b = new Conversation('10.0.0.1:2', '10.0.0.2:7', { start: a.time + 3 * 365 * 86400 }).handshake().close();
  const { sessions, stats } = await dissectFrames([...a.frames, ...b.frames]);
  assert.deepEqual(sessions.map((s) => [s.client.port, s.endReason]), [[1, 'timeout'], [2, 'fin']]);
  assert.equal(stats.timestampOutliers, 0);
});
