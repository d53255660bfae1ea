import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds } from './duration-text.js';

test('durations: three significant digits up to a minute, then minutes and seconds, then hours and minutes, never an exponent', () => {
  const cases: [number, string][] = [
    [0, '0 µs'],
    [0.00085, '850 µs'],
    [0.0123, '12.3 ms'],
    [1.25, '1.25 s'],
    [1234, '20 min 34 s'],
    [1023, '17 min 3 s'],
    [120, '2 min'],
    [7500, '2 h 5 min'],
    [7200, '2 h'],
    [1e7, '2777 h 47 min'],
  ];
  assert.deepEqual(cases.map(([seconds]) => formatSeconds(seconds)), cases.map(([, text]) => text));
});

test('durations are rounded before the unit is chosen', () => {
  const cases: [number, string][] = [
    [0.0009996, '1.00 ms'],
    [0.99996, '1.00 s'],
    [59.996, '1 min'],
    [3599.6, '1 h'],
  ];
  assert.deepEqual(cases.map(([seconds]) => formatSeconds(seconds)), cases.map(([, text]) => text));
});
