import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog } from '../pipeline/watchdog.js';
import { FrameBatch, RECORD_FIELDS, type FrameGuard } from './frame-batch.js';
import type { Frame } from './frame.js';

interface Seen {
  text: string;
  index: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
}

const seen = (frame: Frame): Seen => ({
  text: frame.data.toString('latin1', frame.offset, frame.offset + frame.caplen),
  index: frame.index,
  tsSec: frame.tsSec,
  tsNsec: frame.tsNsec,
  linkType: frame.linkType,
});

/**
 * Writes the texts into the batch as the capture addon writes a read (captured at
 * 1_700_000_000.123456789, `wireLength` on the wire, default their length), then hands them on.
 */
function read(batch: FrameBatch, texts: string[], wireLength?: number): void {
  let end = 0;
  texts.forEach((text, i) => {
    end += batch.arena.write(text, end, 'latin1');
    batch.records.set([end, wireLength ?? text.length, 1_700_000_000, 123_456_789], i * RECORD_FIELDS);
  });
  batch.handle(texts.length);
}

/** A watchdog guard as the run builds it, counting its runs. */
function countingGuard(timeoutMs: number): { guard: FrameGuard; runs: number } {
  const watchdog = new Watchdog(timeoutMs);
  const counted = {
    runs: 0,
    guard: (handle: () => void) => {
      counted.runs++;
      const outcome = watchdog.run(handle);
      return outcome === 'timeout' ? ('stopped' as const) : outcome;
    },
  };
  return counted;
}

test('a read is handed on in order, with index, time and link type; indexes go on across reads', () => {
  const got: Seen[] = [];
  const batch = new FrameBatch((f) => got.push(seen(f)));
  batch.linkType = 101;
  read(batch, ['one', 'two', 'three']);
  assert.deepEqual(got, [
    { text: 'one', index: 1, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
    { text: 'two', index: 2, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
    { text: 'three', index: 3, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
  ]);
  read(batch, ['four']);
  assert.deepEqual(got.at(-1), { text: 'four', index: 4, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 });
  assert.equal(batch.received, 4);
});

test('guard runs grow while handling is fast: 256, 512, then a whole read of 1000 frames in one', () => {
  const counted = countingGuard(1000);
  let handled = 0;
  const batch = new FrameBatch(() => handled++, counted.guard);
  const frames = Array.from({ length: 1000 }, (_, i) => `frame ${i}`);
  read(batch, frames);
  assert.deepEqual([handled, counted.runs], [1000, 3]);
  read(batch, frames);
  assert.deepEqual([handled, counted.runs], [2000, 4]);
});

test('guard runs shrink when handling is slow: about 50 ms each, so that slow calls do not add up to a timeout', () => {
  const counted = countingGuard(1000);
  const batch = new FrameBatch(() => {
    const until = performance.now() + 1;
    while (performance.now() < until);
  }, counted.guard);
  read(batch, Array.from({ length: 300 }, (_, i) => `frame ${i}`));
  // 256 frames at 1 ms, then runs of about 50.
  assert.equal(batch.received, 300);
  assert.ok(counted.runs >= 2, `${counted.runs} runs`);
  counted.runs = 0;
  read(batch, Array.from({ length: 200 }, (_, i) => `frame ${i}`));
  // At least 3 (runs of about 50 frames); at most 13 (runs of 16 frames, the least).
  assert.ok(counted.runs >= 3 && counted.runs <= 13, `${counted.runs} runs for 200 frames of 1 ms`);
});

test('past the limit (a stopped capture), frames are not handed on', () => {
  const got: string[] = [];
  const batch = new FrameBatch((f) => got.push(seen(f).text));
  read(batch, ['a', 'b']);
  batch.limit = 3;
  read(batch, ['c', 'd']);
  read(batch, ['e']);
  assert.deepEqual(got, ['a', 'b', 'c']);
  assert.equal(batch.received, 3);
});

test('a handler call cut by the watchdog: the batch resumes after that frame, which is not handed on again', () => {
  const counted = countingGuard(50);
  const got: string[] = [];
  const batch = new FrameBatch(
    (f) => {
      const text = seen(f).text;
      got.push(text);
      if (text === 'hang') for (;;);
    },
    counted.guard,
  );
  read(batch, ['before', 'hang', 'after 1', 'after 2']);
  assert.deepEqual(got, ['before', 'hang', 'after 1', 'after 2']);
  assert.equal(counted.runs, 2);
  assert.equal(batch.received, 4);
});

test('Ctrl-C in a batch: the rest of it and every later frame are not handed on', () => {
  const counted = countingGuard(10_000);
  const got: string[] = [];
  const batch = new FrameBatch(
    (f) => {
      got.push(seen(f).text);
      process.kill(process.pid, 'SIGINT');
      for (;;);
    },
    counted.guard,
  );
  read(batch, ['first', 'second']);
  assert.equal(batch.interrupted, true);
  read(batch, ['later']);
  assert.deepEqual(got, ['first']);
  assert.equal(counted.runs, 1);
});

test('a frame keeps its length on the wire: longer than what was captured when libpcap cut it', () => {
  const got: [number, number][] = [];
  const batch = new FrameBatch((f) => got.push([f.caplen, f.wireLen]));
  read(batch, ['abcd'], 1514);
  read(batch, ['abcdef'], 0);
  assert.deepEqual(got, [[4, 1514], [6, 6]]);
});
