import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAccount, MemoryKind, storedFrameCost } from '../memory/memory-account.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { Statistics } from '../pipeline/statistics.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { StoredFrame } from '../sources/frame.js';
import { PcapParser } from '../sources/pcap-reader.js';
import { growth, LINEAR_RATIO } from '../testing/growth.js';
import { Conversation, pcapFile, type TimedFrame } from '../testing/packet-builder.js';
import { PcapExportSink } from './pcap-export-sink.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pcap-export-'));

/** The frames' bytes, in file order. */
function framesOf(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const parser = new PcapParser((f) => out.push(Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen))));
  parser.push(file);
  parser.finish();
  return out;
}

/** One connection that stays open from the first frame to the last, around `count` short sessions. */
function captureWithLongConnection(count: number): TimedFrame[] {
  const long = new Conversation('10.9.9.9:40000', '10.0.0.2:22');
  long.handshake();
  const frames = [...long.frames];
  let time = long.time;
  for (let i = 0; i < count; i++) {
    const short = new Conversation(`10.1.${i >> 8}.${i & 255}:50000`, '10.0.0.2:80', { start: time, step: 0.0001 });
    short.handshake().send('client', 'GET / HTTP/1.1\r\n\r\n').close();
    frames.push(...short.frames);
    time = short.time;
  }
  long.time = time;
  long.frames.length = 0;
  long.send('client', 'exit\n').close();
  return [...frames, ...long.frames];
}

/** Runs the capture through a pipeline into an export of every session; returns the file and the run's account. */
function exportAll(capture: Buffer, path: string): { exported: Buffer; memory: MemoryAccount } {
  const memory = new MemoryAccount();
  const sink = new PcapExportSink(path);
  const pipeline = new Pipeline({ keepFrames: true, memory }, (session) => sink.session(session));
  sink.bind(pipeline);
  const parser = new PcapParser(pipeline.frame);
  parser.push(capture);
  parser.finish();
  pipeline.finish();
  sink.finish(pipeline.stats);
  return { exported: readFileSync(path), memory };
}

test('export with one connection open throughout: every frame in capture order, time linear in the sessions', () => {
  const dir = tempDir();
  const captures = new Map<number, Buffer>();
  const capture = (count: number) => captures.get(count) ?? captures.set(count, pcapFile(captureWithLongConnection(count))).get(count)!;
  const small = capture(10_000);
  const { exported, memory } = exportAll(small, join(dir, 'check.pcap'));
  assert.deepEqual(framesOf(exported), framesOf(small), 'every frame, in capture order');
  assert.ok(memory.peak > 5_000 * 8 * 160, `frames waiting behind the open connection were charged (peak ${memory.peak})`);
  assert.equal(memory.byKind[MemoryKind.ExportFrames], 0, 'and released as written');
  const { ratio, small: t1, large: t2 } = growth((count) => exportAll(capture(count), join(dir, `${count}.pcap`)), 10_000, 5);
  assert.ok(ratio <= LINEAR_RATIO, `10k sessions: ${t1.toFixed(0)} ms, 20k: ${t2.toFixed(0)} ms (x${ratio.toFixed(2)})`);
});

/** A stand-in pipeline: only what the sink looks at (the oldest open session, the account, the counters). */
function stubPipeline(oldestFirstFrame: () => number | null) {
  const memory = new MemoryAccount();
  const stats = new Statistics();
  const tracker = {
    table: {
      get oldest() {
        const first = oldestFirstFrame();
        return first === null ? null : { firstFrame: first };
      },
    },
  };
  return { memory, stats, tracker } as unknown as Pipeline;
}

const stored = (index: number, linkType = 1, bytes = 60): StoredFrame => ({ data: Buffer.alloc(bytes, index), wireLen: bytes, tsSec: index, tsNsec: 0, linkType, index });
const finished = (...frames: StoredFrame[]) => ({ frames }) as unknown as TcpSession;

test('frames are charged when the sink takes them over and released as they are written', () => {
  let oldest: number | null = 1; // a session opened with frame 1 is still open
  const pipeline = stubPipeline(() => oldest);
  const sink = new PcapExportSink(join(tempDir(), 'out.pcap'));
  sink.bind(pipeline);
  const a = [stored(2), stored(4, 1, 1000)];
  const b = [stored(3), stored(5)];
  sink.session(finished(...a));
  sink.session(finished(...b));
  const charged = [...a, ...b].reduce((sum, f) => sum + storedFrameCost(f.data.length), 0);
  assert.deepEqual([sink.waitingFrames, pipeline.memory.byKind[MemoryKind.ExportFrames]], [4, charged]);
  oldest = 4; // the old session finished (unreported); the next open one began at frame 4
  sink.session(finished());
  assert.deepEqual([sink.waitingFrames, pipeline.memory.byKind[MemoryKind.ExportFrames]], [2, storedFrameCost(1000) + storedFrameCost(60)]);
  sink.finish(pipeline.stats);
  assert.deepEqual([sink.waitingFrames, pipeline.memory.byKind[MemoryKind.ExportFrames], pipeline.memory.used], [0, 0, 0]);
});

test('frames of another link type are counted as dropped when written, before the summaries', () => {
  const pipeline = stubPipeline(() => null);
  const sink = new PcapExportSink(join(tempDir(), 'out.pcap'));
  sink.bind(pipeline);
  sink.session(finished(stored(1), stored(3)));
  sink.session(finished(stored(2, 113), stored(4, 113), stored(5)));
  assert.equal(pipeline.stats.droppedSegments, 2, 'counted as the frames are written, not at finish');
  sink.finish(pipeline.stats);
  assert.equal(pipeline.stats.droppedSegments, 2);
});
