import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinnedSeries } from './binned-series.js';
import { TimeAxis } from './time-axis.js';

const START = 1_700_000_000;
const BROKEN = 0xffffffff00000000 / 1e6;

/** The series after one count per time (in capture order), and what the axis left out. */
function seriesOf(times: number[]): { start: number | null; width: number; counted: number; leftOut: number; first: number | null; last: number | null } {
  const series = new BinnedSeries(1);
  const axis = new TimeAxis(series, 1, 0);
  for (const time of times) {
    axis.advance(time);
    axis.add(0, time);
  }
  axis.finish();
  return { start: series.start, width: series.width, counted: series.values(0).reduce((a, b) => a + b, 0), leftOut: axis.leftOut, first: axis.first, last: axis.last };
}

const capture = (n: number) => Array.from({ length: n }, (_, i) => START + i / 1000);

test("the times the capture clock takes for outliers are left out of the axis, and counted", () => {
  const expected = { start: START, width: 0.001, counted: 9, leftOut: 1, first: START, last: START + 0.008 };
  assert.deepEqual(seriesOf([BROKEN, ...capture(9)]), expected, 'a first time far ahead');
  assert.deepEqual(seriesOf([0, ...capture(9)]), expected, 'a first time at 0');
  const mid = capture(10);
  mid[4] = BROKEN;
  assert.deepEqual(seriesOf(mid), { ...expected, last: START + 0.009 }, 'one in the middle');
  assert.deepEqual(seriesOf([...capture(9), BROKEN]), expected, 'the last, with no packet after it to say');
  assert.deepEqual(seriesOf([START]), { ...expected, counted: 1, leftOut: 0, last: START }, 'a single packet');
});

test('what comes before the packet of its time waits for the clock to judge that time', () => {
  const series = new BinnedSeries(2);
  const axis = new TimeAxis(series, 2, 0);
  for (const time of [...capture(3), START + 2 * 86_400, START + 2 * 86_400 + 1]) {
    axis.add(1, time); // a session opens before its first segment
    axis.advance(time);
    axis.add(0, time);
  }
  axis.finish();
  assert.deepEqual([series.values(0).reduce((a, b) => a + b, 0), series.values(1).reduce((a, b) => a + b, 0), axis.leftOut], [5, 5, 0]);
});
