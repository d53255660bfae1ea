import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pcapFile, tcpFrame } from '../testing/packet-builder.js';
import { readCapture } from './capture-file.js';

/** A FIFO with a writer that holds it open (opened read-write, so opening it does not wait). */
function idleFifo(): { path: string; writer: number } {
  const path = join(mkdtempSync(join(tmpdir(), 'capture-file-')), 'in.fifo');
  assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
  return { path, writer: openSync(path, 'r+') };
}

const pipeHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap' || r === 'FSReqCallback').length;

test('an abort stops the read at once while an idle FIFO sends nothing: no rejection, the input closed', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const before = pipeHandles();
  const frame = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, seq: 1, flags: 'S' });
  for (const sendFirst of [Buffer.alloc(0), pcapFile([{ data: frame, time: 1 }])]) {
    const fifo = idleFifo();
    if (sendFirst.length > 0) writeSync(fifo.writer, sendFirst);
    const stop = new AbortController();
    let frames = 0;
    const reading = readCapture(fifo.path, () => frames++, { signal: stop.signal });
    await sleep(200);
    assert.equal(frames, sendFirst.length > 0 ? 1 : 0, 'what was sent is read');
    const start = performance.now();
    stop.abort();
    const result = await Promise.race([reading, sleep(1000).then(() => closeSync(fifo.writer))]);
    assert.ok(result, 'returned while the FIFO is idle');
    assert.ok(performance.now() - start < 100, `returned after ${performance.now() - start} ms`);
    assert.deepEqual([result.packets, result.bytesRead], sendFirst.length > 0 ? [1, sendFirst.length] : [0, 0]);
    await sleep(50);
    assert.equal(pipeHandles(), before, 'the FIFO is closed');
    closeSync(fifo.writer);
  }
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, []);
});

test('a FIFO is read to its end when the writer closes it', async () => {
  const fifo = idleFifo();
  const frames = Array.from({ length: 50 }, (_, i) => ({ data: tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1, dstPort: 2, seq: i, payload: 'x'.repeat(2000) }), time: i }));
  const bytes = pcapFile(frames);
  const indexes: number[] = [];
  const reading = readCapture(fifo.path, (f) => indexes.push(f.index));
  for (let at = 0; at < bytes.length; at += 30_000) {
    writeSync(fifo.writer, bytes.subarray(at, at + 30_000)); // less than the pipe holds: the write does not block
    await sleep(20);
  }
  closeSync(fifo.writer);
  const result = await reading;
  assert.deepEqual([result.packets, result.bytesRead, indexes.length], [50, bytes.length, 50]);
});
