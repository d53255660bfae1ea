import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perSecond } from './timeline-rates.js';

test('rates per second: every bin over its width, the last one over the part the capture covers', () => {
  // Bins of 10 s from 100; the capture ends 2.5 s into the third.
  assert.deepEqual(perSecond([20, 40, 5], { start: 100, bin: 10 }, 122.5), [2, 4, 2]);
});

test('rates per second: a capture that ends where its last bin starts has that bin over its width', () => {
  assert.deepEqual(perSecond([20, 3], { start: 100, bin: 10 }, 110), [2, 0.3]);
  assert.deepEqual(perSecond([7], { start: 100, bin: 1 }, 100), [7]);
});
