import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredFrame } from '../sources/frame.js';
import { FrameMerge } from './frame-merge.js';

const frames = (...indexes: number[]): StoredFrame[] =>
  indexes.map((index) => ({ data: Buffer.alloc(0), wireLen: 0, tsSec: 0, tsNsec: 0, linkType: 1, index }));

const drain = (merge: FrameMerge, below = Infinity): number[] => {
  const out: number[] = [];
  while (merge.nextIndex < below) out.push(merge.take()!.index);
  return out;
};

test('runs in capture order merge into one capture order; a run out of order is sorted', () => {
  const merge = new FrameMerge();
  merge.add(frames(2, 5, 9));
  merge.add(frames(1, 3, 4, 10));
  merge.add(frames());
  merge.add(frames(8, 6, 7)); // a datagram's fragments joined late
  assert.equal(merge.size, 10);
  assert.deepEqual(drain(merge, 5), [1, 2, 3, 4]);
  merge.add(frames(11));
  assert.deepEqual(drain(merge), [5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual([merge.size, merge.nextIndex, merge.take()], [0, Infinity, undefined]);
});

test('many runs interleaved at random come out sorted', () => {
  const merge = new FrameMerge();
  const runs: number[][] = Array.from({ length: 50 }, () => []);
  for (let index = 1; index <= 5000; index++) runs[(index * 7919) % 50]!.push(index);
  for (const run of runs) merge.add(frames(...run));
  assert.deepEqual(drain(merge), Array.from({ length: 5000 }, (_, i) => i + 1));
});
