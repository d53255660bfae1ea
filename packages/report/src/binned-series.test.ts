import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinnedSeries } from './binned-series.js';

test('bins start at a millisecond, from the first time to the second', () => {
  const series = new BinnedSeries(2, 100);
  series.add(0, 1000.0004);
  series.add(0, 1000.0005, 3);
  series.add(1, 1000.0421, 2);
  assert.equal(series.start, 1000);
  assert.equal(series.width, 0.001);
  assert.deepEqual(series.values(0).slice(0, 2), [4, 0]);
  assert.equal(series.values(1)[42], 2);
  assert.equal(series.length, 43);
});

test('a longer capture widens the bins 2x then 5x, keeping every count and at most maxBins bins', () => {
  const series = new BinnedSeries(1, 10);
  const widths: number[] = [];
  let total = 0;
  for (let t = 0; t < 25; t += 0.0007) {
    series.add(0, 5000 + t);
    total++;
    if (widths.at(-1) !== series.width) widths.push(series.width);
  }
  assert.deepEqual(widths, [0.001, 0.002, 0.01, 0.02, 0.1, 0.2, 1, 2, 10]);
  assert.ok(series.length <= 10);
  assert.equal(series.values(0).reduce((a, b) => a + b, 0), total);
  // Whole 10 s bins: 0-10 s and 10-20 s hold the same number of times.
  const [first, second] = series.values(0);
  assert.ok(Math.abs(first! - second!) <= 1, `${first} ${second}`);
});

test('a time before the first counts in the first bin', () => {
  const series = new BinnedSeries(1, 1000);
  series.add(0, 100.5);
  series.add(0, 99);
  const values = series.values(0);
  assert.deepEqual([values.length, values[0], values[500], values.reduce((a, b) => a + b, 0)], [501, 1, 1, 2]);
});

test('bins stay distinct numbers whatever the start; times that are not numbers are not counted', () => {
  const series = new BinnedSeries(1);
  series.add(0, 1.8e13);
  series.add(0, 1.8e13 + 30);
  series.add(0, NaN);
  series.add(0, Infinity);
  assert.equal(series.width, 2);
  assert.deepEqual([series.length, series.values(0)[0], series.values(0)[15]], [16, 1, 1]);
});
