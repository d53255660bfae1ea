import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seqDiff } from '@pakeana/framework';
import { REMEMBERED, SendTimes } from './send-times.js';

/** The Map-based store SendTimes replaced: the reference for its answers. */
class MapSendTimes {
  private readonly sent = new Map<number, number>();

  remember(seq: number, time: number): void {
    if (this.sent.has(seq)) return;
    this.sent.set(seq, time);
    if (this.sent.size > REMEMBERED) this.sent.delete(this.sent.keys().next().value!);
  }

  originalTime(seq: number): number | undefined {
    const exact = this.sent.get(seq);
    if (exact !== undefined) return exact;
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const [start, time] of this.sent) {
      const distance = seqDiff(seq, start);
      if (distance >= 0 && distance < bestDistance) {
        best = time;
        bestDistance = distance;
      }
    }
    return best;
  }
}

test('a seq keeps its first time; a lookup finds the latest start at or below it', () => {
  const sent = new SendTimes();
  assert.equal(sent.originalTime(100), undefined);
  sent.remember(100, 1);
  sent.remember(200, 2);
  sent.remember(100, 3);
  assert.equal(sent.originalTime(100), 1);
  assert.equal(sent.originalTime(150), 1);
  assert.equal(sent.originalTime(5000), 2);
  assert.equal(sent.originalTime(99), undefined);
});

test('sequence numbers wrap around 2^32', () => {
  const sent = new SendTimes();
  sent.remember(0xfffffff0, 1);
  sent.remember(0x10, 2);
  assert.equal(sent.originalTime(0xfffffff8), 1);
  assert.equal(sent.originalTime(5), 1);
  assert.equal(sent.originalTime(0x20), 2);
  assert.equal(sent.originalTime(0xffffff00), undefined);
});

test('beyond REMEMBERED seqs the oldest is forgotten, and may be remembered anew', () => {
  const sent = new SendTimes();
  for (let i = 0; i <= REMEMBERED; i++) sent.remember(i * 10, i);
  assert.equal(sent.originalTime(5), undefined);
  assert.equal(sent.originalTime(15), 1);
  sent.remember(0, 99);
  assert.equal(sent.originalTime(5), 99);
  assert.equal(sent.originalTime(10), 99);
  assert.equal(sent.originalTime(20), 2);
});

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): (below: number) => number {
  return (below) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}

/**
 * Drives both stores like a sender would, mostly in order with duplicates, reordering, gaps,
 * wrap-around and (with `wild`) arbitrary jumps, and compares every lookup's answer.
 */
function compare(seed: number, operations: number, wild: number): void {
  const rand = random(seed);
  const store = new SendTimes();
  const reference = new MapSendTimes();
  const sentSeqs: number[] = [];
  let next = rand(2) ? 2 ** 32 - rand(200_000) : rand(2 ** 32);
  let time = 0;
  const pick = (): number => {
    const roll = rand(100);
    if (roll < 70 || sentSeqs.length === 0) {
      const seq = next;
      next = (next + 1 + rand(1460)) >>> 0;
      return seq;
    }
    if (roll < 80) return sentSeqs[sentSeqs.length - 1 - rand(Math.min(sentSeqs.length, 3 * REMEMBERED))]!;
    if (roll < 90) return (next - rand(50_000)) >>> 0;
    if (roll < 95) return (next + rand(50_000)) >>> 0;
    if (rand(100) >= wild) return 2 ** 32 - 1 - rand(3000);
    return rand(2) ? rand(2 ** 32) : (next + 2 ** 31 - rand(3)) >>> 0;
  };
  for (let i = 0; i < operations; i++) {
    const seq = pick();
    time += rand(1000) / 1000;
    store.remember(seq, time);
    reference.remember(seq, time);
    sentSeqs.push(seq);
    if (rand(4) !== 0) continue;
    const probes = [seq, (seq + rand(1460)) >>> 0, (next - rand(3_000_000)) >>> 0, rand(2 ** 32)];
    for (const probe of probes) {
      assert.equal(store.originalTime(probe), reference.originalTime(probe), `seed ${seed}, operation ${i}, probe ${probe}`);
    }
  }
}

test('same answers as the Map it replaced: mostly in-order senders', () => {
  for (let seed = 1; seed <= 3; seed++) compare(seed, 10_000, 0);
});

test('same answers as the Map it replaced: senders jumping across the sequence space', () => {
  for (let seed = 11; seed <= 13; seed++) compare(seed, 10_000, 100);
});
