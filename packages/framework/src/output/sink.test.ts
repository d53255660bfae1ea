import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { LineWriter } from './sink.js';

/** A stream that takes a write only when `release` is called, like a pipe whose reader is slow. */
function slowStream() {
  const taken: string[] = [];
  const waiting: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      taken.push(chunk.toString());
      waiting.push(done);
    },
  });
  const release = () => waiting.splice(0).forEach((done) => done());
  return { stream, taken, release };
}

test('a line writer reports a backed-up stream, and settles when it drains', async () => {
  const { stream, taken, release } = slowStream();
  const writer = new LineWriter(stream);
  assert.equal(writer.drained(), null);
  writer.line('x'.repeat(70_000)); // over 64 KiB: written at once, and over the stream's mark
  const wait = writer.drained();
  assert.ok(wait instanceof Promise);
  let settled = false;
  void wait.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'still backed up until the reader takes the bytes');
  release();
  await wait;
  assert.equal(writer.drained(), null);
  assert.equal(taken.join('').length, 70_001);
});
