import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_EDGES, LatencyByName, LatencyHistogram } from './latency-histogram.js';

test('percentiles are within a bucket (12%) of the exact ones; the maximum is exact', () => {
  const histogram = new LatencyHistogram();
  // 1 ms to 1000 ms, one each.
  for (let ms = 1; ms <= 1000; ms++) histogram.add(ms / 1000);
  for (const [q, exact] of [
    [0.5, 0.5],
    [0.9, 0.9],
    [0.99, 0.99],
  ] as const) {
    const got = histogram.quantile(q);
    assert.ok(got >= exact && got <= exact * 1.13, `p${q * 100}: ${got} for ${exact}`);
  }
  assert.equal(histogram.max, 1);
  assert.equal(histogram.count, 1000);
  assert.equal(histogram.quantile(1), 1);
});

test('times beyond the buckets count in the first and the last', () => {
  const histogram = new LatencyHistogram();
  histogram.add(0);
  histogram.add(5000);
  assert.equal(histogram.counts[0], 1);
  assert.equal(histogram.counts[LATENCY_EDGES.length - 1], 1);
  assert.equal(histogram.max, 5000);
});

test('names past the bound share one group; a single name gives no groups', () => {
  const byHost = new LatencyByName('host', '(other hosts)', 2);
  byHost.add('a', 0.1);
  assert.deepEqual(byHost.groups(), []);
  byHost.add('b', 0.2);
  byHost.add('b', 0.2);
  byHost.add('c', 0.3);
  byHost.add('d', 0.4);
  assert.deepEqual(
    byHost.groups().map((g) => [g.name, g.count, g.max]),
    [
      ['b', 2, 0.2],
      ['a', 1, 0.1],
      ['(other hosts)', 2, 0.4],
    ],
  );
});

test('a percentile in the last bucket (above 1000 s) is the maximum', () => {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < 10; i++) histogram.add(2000 + i * 100);
  assert.deepEqual([histogram.quantile(0.5), histogram.quantile(0.99)], [2900, 2900]);
});
