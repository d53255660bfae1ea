import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseSize } from './units.js';

test('durations as people write them, in seconds', () => {
  assert.deepEqual(['300ms', '10s', '1.5s', '2m', '1h', '30d', '7', 3].map(parseDuration), [0.3, 10, 1.5, 120, 3600, 2_592_000, 7, 3]);
  assert.equal(parseDuration('soon'), null);
  assert.equal(parseDuration(-1), null);
});

test('sizes as people write them, in bytes', () => {
  assert.deepEqual(['64MiB', '10MB', '512KiB', '1GiB', '100'].map(parseSize), [67108864, 10_000_000, 524288, 1073741824, 100]);
  assert.equal(parseSize('lots'), null);
});
