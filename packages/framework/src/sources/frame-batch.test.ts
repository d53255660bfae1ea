import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Watchdog } from '../pipeline/watchdog.js';
import { FrameBatch, type FrameGuard } from './frame-batch.js';
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

/** Adds each text through one reused source buffer, as libpcap hands its frames (captured at 1_700_000_000.123456789). */
function addAll(batch: FrameBatch, texts: string[]): void {
  const source = Buffer.alloc(64);
  for (const text of texts) {
    const length = source.write(text, 'latin1');
    batch.add(source, length, length, 1_700_000_000, 123_456_789);
  }
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

test('frames are copied and handed on later in one batch, in order, with index and time', async () => {
  const got: Seen[] = [];
  const batch = new FrameBatch((f) => got.push(seen(f)), { linkType: 101 });
  addAll(batch, ['one', 'two', 'three']);
  assert.equal(got.length, 0, 'nothing is handed on inside the source callback');
  await sleep(30);
  assert.deepEqual(got, [
    { text: 'one', index: 1, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
    { text: 'two', index: 2, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
    { text: 'three', index: 3, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 },
  ]);
  addAll(batch, ['four']);
  batch.flush();
  assert.deepEqual(got.at(-1), { text: 'four', index: 4, tsSec: 1_700_000_000, tsNsec: 123_456_789, linkType: 101 });
  assert.equal(batch.received, 4);
});

test('one guard run for a whole batch of frames', () => {
  const counted = countingGuard(1000);
  let handled = 0;
  const batch = new FrameBatch(() => handled++, { linkType: 1, guard: counted.guard });
  addAll(batch, Array.from({ length: 1000 }, (_, i) => `frame ${i}`));
  batch.flush();
  assert.equal(handled, 1000);
  assert.equal(counted.runs, 1);
});

test('a full batch is handed on at once, by frame count or by arena bytes; nothing is dropped', () => {
  const byCount: string[] = [];
  const counted = new FrameBatch((f) => byCount.push(seen(f).text), { linkType: 1, maxFrames: 4 });
  addAll(counted, ['a', 'b', 'c', 'd']);
  assert.deepEqual(byCount, []);
  addAll(counted, ['e']);
  assert.deepEqual(byCount, ['a', 'b', 'c', 'd'], 'the fifth frame hands on the four held');
  counted.flush();
  assert.deepEqual(byCount, ['a', 'b', 'c', 'd', 'e']);

  const byBytes: string[] = [];
  const sized = new FrameBatch((f) => byBytes.push(seen(f).text), { linkType: 1, arenaBytes: 10 });
  addAll(sized, ['1234', '5678', 'abc', '0123456789abc']);
  assert.deepEqual(byBytes, ['1234', '5678', 'abc'], 'the held frames go before one that does not fit');
  sized.flush();
  assert.deepEqual(byBytes.at(-1), '0123456789', 'a frame larger than the arena is cut to it');
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
    { linkType: 1, guard: counted.guard },
  );
  addAll(batch, ['before', 'hang', 'after 1', 'after 2']);
  batch.flush();
  assert.deepEqual(got, ['before', 'hang', 'after 1', 'after 2']);
  assert.equal(counted.runs, 2);
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
    { linkType: 1, guard: counted.guard },
  );
  addAll(batch, ['first', 'second']);
  batch.flush();
  assert.equal(batch.interrupted, true);
  addAll(batch, ['later']);
  batch.flush();
  assert.deepEqual(got, ['first']);
  assert.equal(counted.runs, 1);
});

test('a frame keeps its length on the wire: longer than what was captured when libpcap cut it', () => {
  const got: [number, number][] = [];
  const batch = new FrameBatch((f) => got.push([f.caplen, f.wireLen]), { linkType: 1 });
  const source = Buffer.from('abcdef');
  batch.add(source, 6, 6, 1, 0);
  batch.add(source, 4, 1514, 1, 0);
  batch.flush();
  assert.deepEqual(got, [[6, 6], [4, 1514]]);
});
