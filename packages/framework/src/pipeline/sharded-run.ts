import { parentPort, Worker } from 'node:worker_threads';
import type { Logger } from '../dissect/api.js';
import { MemoryAccount } from '../memory/memory-account.js';
import type { SessionSink } from '../output/sink.js';
import { CaptureFormatError } from '../sources/capture-parser.js';
import type { Shard } from './pipeline.js';
import { runCapture, type RunOptions, type RunResult } from './run.js';
import { ShardCollector, type ShardBatch, type ShardControl, type TextCapture } from './shard-collector.js';
import { ShardMerger, type MergedOutput } from './shard-merger.js';
import { addShardCounters, shardCounters, type ShardCounters } from './shard-counters.js';
import { Statistics } from './statistics.js';

/** A worker's last message: its counters, and the damage that stopped its read, if any. */
export interface ShardDone {
  type: 'done';
  counters: ShardCounters;
  error: { message: string; byteOffset?: number; code?: string } | null;
}

/** A warning a worker's run printed: the main thread prints it, once however many threads meet it. */
export interface ShardWarning {
  type: 'warning';
  message: string;
}

/** A worker asked to stop read to the end of a chunk: how many chunks it has read (Infinity: all). */
export interface ShardPaused {
  type: 'paused';
  chunks: number;
}

/** What a worker is started with: the input, its share of the flows, and what the caller adds (the run's settings). */
export interface ShardWorkerData<T = unknown> {
  input: string;
  shard: Shard;
  data: T;
}

export interface ShardedRunOptions {
  /** The shares: the main thread's own, and one per worker thread for the others. */
  workers: number;
  /** The main thread's share of the flows (the first): its run's options, and where its sinks write. */
  local: { options: RunOptions; output: TextCapture };
  /** The worker's module: it builds the run from `data` and calls `runShardWorker`. */
  workerScript: URL;
  data: unknown;
  /** Where the reported sessions go, in order (the run's standard output). */
  out: NodeJS.WritableStream;
  /** The run's sinks: they write the summary, with every worker's counters added up. */
  sinks: readonly SessionSink[];
  stats?: Statistics;
  /** The run's memory account, for the summary: its limit, and the workers' peaks and shedding added up. */
  memory?: MemoryAccount;
  /** How the output writes a session id. */
  idText(id: number): string;
  /** Where the workers' warnings go: the main thread's share's logger, which prints each once (see `onceLogger`). */
  logger: Logger;
  signal?: AbortSignal;
  onProgress?(bytesRead: number, packets: number): void;
  onInputDone?(): void;
}

/**
 * Reads a capture file with its flows split into `workers` shares by a hash of the flow (see
 * `Shard`): the main thread follows the first, a worker thread each other one. Each reads and
 * decodes the whole file and follows its own share of the sessions; the main thread merges
 * what they report into one thread's order (see `ShardMerger`), so the output is the same as
 * `runCapture`'s while no limit is reached (limits apply to each share).
 */
export async function runSharded(input: string, options: ShardedRunOptions): Promise<RunResult> {
  const stats = options.stats ?? new Statistics();
  stats.memory = options.memory ?? new MemoryAccount();
  const count = options.workers;
  const out = options.out;
  const writer = new MergeWriter(out, count, (shard, bytes, buffers) => shards[shard]!.credit(bytes, buffers));
  const merger = new ShardMerger(count, stats, options.idText, writer);
  let inputDone = false;
  const take = (index: number, batch: ShardBatch) => {
    steering.progress(index, batch.chunks);
    merger.take(index, batch);
    if (index === 0 && batch.watermark < Infinity) options.onProgress?.(batch.bytesRead, batch.watermark);
    // Before the output that follows it, as in one thread (the progress line is cleared then).
    if (!inputDone && merger.inputDone) {
      inputDone = true;
      options.onInputDone?.();
    }
    writer.flush();
  };
  const steering = new ShardSteering(count);
  const threads = Array.from({ length: count - 1 }, (_, i) =>
    startWorker(input, { index: i + 1, count }, options, (batch) => take(i + 1, batch), (chunks) => steering.paused(i + 1, chunks)),
  );
  const { local } = options;
  const shards = [runShard(input, { index: 0, count }, local.options, local.output, (batch) => take(0, batch), (chunks) => steering.paused(0, chunks)), ...threads];
  steering.shards = shards;
  const stop = () => steering.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();

  let results: ShardDone[];
  try {
    results = await Promise.all(shards.map((s) => s.done));
  } catch (error) {
    // A worker thread died: the shares can no longer be merged. The main thread's ends after its chunk.
    shards[0]!.endAfter(0);
    await shards[0]!.done;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await Promise.all(threads.map((t) => t.terminate()));
  }
  results.forEach((r, i) => addShardCounters(stats, r.counters, i === 0));
  stats.sampleMemory();
  for (const sink of options.sinks) await sink.finish(stats);
  // Damage is found by every share at the same place; an error of one share's own (a read that failed) counts too.
  return { stats, error: shardError(results.find((r) => r.error !== null)?.error ?? null) };
}

/**
 * How many input chunks a share may read ahead of the slowest: enough to even out the shares'
 * chunk-to-chunk differences, few enough that Ctrl-C, which ends every share after the same
 * chunk, waits for at most this many chunks of the slowest.
 */
const CHUNKS_AHEAD = 4;

/**
 * Steers the shares' reads. A share reads at most CHUNKS_AHEAD chunks past the slowest
 * (`ShardRun.allow`); a share with little output would otherwise run to the end of the input,
 * holding its sessions' results. On Ctrl-C every share must end its read after the same chunk,
 * or the sessions of one would have seen more of the capture than the summary counts: each
 * share asked to stop says how many chunks it has handled (`ShardRun.stop`); once all have,
 * each is told to end after the most any had handled. A share that had read everything by
 * then counts as having handled all chunks.
 */
class ShardSteering {
  shards: ShardRun[] = [];
  private readonly handled: number[];
  private allowed = CHUNKS_AHEAD;
  private readonly stopAt: (number | undefined)[];
  private answers = 0;

  constructor(count: number) {
    this.handled = new Array<number>(count).fill(0);
    this.stopAt = new Array<number | undefined>(count);
  }

  /** Share `index` has handled `chunks` chunks: the others may read on. */
  progress(index: number, chunks: number): void {
    this.handled[index] = chunks;
    const allowed = Math.min(...this.handled) + CHUNKS_AHEAD;
    if (allowed <= this.allowed) return;
    this.allowed = allowed;
    for (const shard of this.shards) shard.allow(allowed);
  }

  stop(): void {
    this.shards.forEach((shard, index) => {
      shard.stop();
      // A worker that was done has closed its port: it can answer no more.
      void shard.done.then(() => this.paused(index, Infinity), () => this.paused(index, Infinity));
    });
  }

  paused(index: number, chunks: number): void {
    if (this.stopAt[index] !== undefined) return;
    this.stopAt[index] = chunks;
    if (++this.answers < this.stopAt.length) return;
    const last = Math.max(...(this.stopAt as number[]));
    for (const shard of this.shards) shard.endAfter(last);
  }
}

/**
 * Writes the merged output: the pieces released by each batch of results are copied into one
 * buffer and written at once. Once written, each share gets its credit and the buffers of its
 * batches back (to fill again), so that output makes no garbage and a slow reader holds the
 * shares back. The buffer written is used again once its write is done.
 */
class MergeWriter implements MergedOutput {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly credits: number[];
  private readonly spentBuffers: Uint8Array<ArrayBuffer>[][];
  private spare: Uint8Array | null = null;

  constructor(
    private readonly out: NodeJS.WritableStream,
    count: number,
    private readonly credit: (shard: number, bytes: number, buffers: Uint8Array<ArrayBuffer>[]) => void,
  ) {
    this.credits = new Array<number>(count).fill(0);
    this.spentBuffers = Array.from({ length: count }, () => []);
  }

  write(chunks: Uint8Array[], bytes: number, charged: number, shard: number): void {
    for (const chunk of chunks) this.pending.push(chunk);
    this.pendingBytes += bytes;
    this.credits[shard]! += charged;
  }

  spent(bytes: Uint8Array<ArrayBuffer>, shard: number): void {
    this.spentBuffers[shard]!.push(bytes);
  }

  /** Writes what was released since the last flush; the shards get their credit once it is written. */
  flush(): void {
    const credits = this.credits.slice();
    const buffers = this.spentBuffers.map((list) => list.splice(0));
    this.credits.fill(0);
    const give = () => credits.forEach((bytes, shard) => (bytes > 0 || buffers[shard]!.length > 0) && this.credit(shard, bytes, buffers[shard]!));
    if (this.pendingBytes === 0) return give();
    const size = this.pendingBytes;
    const buffer = this.spare && this.spare.byteLength >= size ? this.spare : new Uint8Array(2 ** Math.ceil(Math.log2(size)));
    this.spare = null;
    let at = 0;
    for (const chunk of this.pending) {
      buffer.set(chunk, at);
      at += chunk.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.out.write(buffer.subarray(0, size), () => {
      this.spare = buffer;
      give();
    });
  }
}

/** A worker thread following one share, as a `ShardRun` (and how to end the thread). */
function startWorker(
  input: string,
  shard: Shard,
  options: ShardedRunOptions,
  take: (batch: ShardBatch) => void,
  paused: (chunks: number) => void,
): ShardRun & { terminate(): Promise<number> } {
  const workerData: ShardWorkerData = { input, shard, data: options.data };
  const worker = new Worker(options.workerScript, { workerData });
  const done = new Promise<ShardDone>((resolve, reject) => {
    worker.on('message', (message: ShardBatch | ShardDone | ShardWarning | ShardPaused) => {
      if (message.type === 'batch') take(message);
      else if (message.type === 'warning') options.logger.warn(message.message);
      else if (message.type === 'paused') paused(message.chunks);
      else resolve(message);
    });
    worker.once('error', (error) => reject(new Error(`worker thread ${shard.index} failed: ${error.message}`)));
    worker.once('exit', (code) => reject(new Error(`worker thread ${shard.index} stopped (exit status ${code}) before it was done`)));
  });
  return {
    done,
    credit: (bytes, buffers) => worker.postMessage({ type: 'credit', bytes, buffers } satisfies ShardControl, buffers.map((b) => b.buffer)),
    allow: (chunks) => worker.postMessage({ type: 'allow', chunks } satisfies ShardControl),
    stop: () => worker.postMessage({ type: 'stop' } satisfies ShardControl),
    endAfter: (chunks) => worker.postMessage({ type: 'end-after', chunks } satisfies ShardControl),
    terminate: () => worker.terminate(),
  };
}

export function shardError(error: ShardDone['error']): Error | null {
  if (!error) return null;
  if (error.byteOffset !== undefined) return new CaptureFormatError(error.message, error.byteOffset);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}

/** A share of a run under way: its done message to come, and what the main thread can tell it. */
export interface ShardRun {
  done: Promise<ShardDone>;
  /** The main thread wrote this much of its output, and is done with these buffers of it. */
  credit(bytes: number, buffers: Uint8Array<ArrayBuffer>[]): void;
  /** The share may read this many chunks in all (see `ShardSteering`). */
  allow(chunks: number): void;
  /** Ctrl-C: the share says how many chunks it has handled (see `ShardSteering`). */
  stop(): void;
  /** Ends the read after this many chunks (Infinity: at the end of the input); the sessions seen are finished and reported. */
  endAfter(chunks: number): void;
}

/**
 * Runs the capture through one share of the flows (see `Shard`), the sinks rendering into
 * `output`, and hands `send` the results after each chunk. What a worker does (`runShardWorker`);
 * tests run every share in one thread with it.
 */
export function runShard(
  input: string,
  shard: Shard,
  options: RunOptions,
  output: TextCapture,
  send: (batch: ShardBatch) => void,
  paused: (chunks: number) => void,
): ShardRun {
  const collector = new ShardCollector(options.sinks, output, options.reportAll ?? false, send);
  const pace = new ShardPace(paused);
  const done = runCapture(input, {
    ...options,
    shard,
    report: collector,
    chunkLimit: () => pace.limit(),
    onInputDone: () => {
      pace.inputDone();
      options.onInputDone?.();
    },
    onProgress: (bytesRead) => {
      collector.bytesRead = bytesRead;
      collector.chunks = pace.chunkHandled();
    },
  }).then(({ stats, error }): ShardDone => ({
    type: 'done',
    counters: shardCounters(stats),
    error: error && {
      message: error.message,
      ...(error instanceof CaptureFormatError ? { byteOffset: error.byteOffset } : {}),
      ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code } : {}),
    },
  }));
  return {
    done,
    credit: (bytes, buffers) => collector.credit(bytes, buffers),
    allow: (chunks) => pace.allow(chunks),
    stop: () => pace.stop(),
    endAfter: (chunks) => pace.endAfter(chunks),
  };
}

/**
 * A share's side of `ShardSteering`: the chunk limit of its read. It waits at the end of a
 * chunk while it is CHUNKS_AHEAD past the slowest share. It hears "stop" only between chunks
 * (its handling of a chunk is synchronous), so it answers at once with the chunks it has
 * handled, even while it waits for credit or for the others.
 */
class ShardPace {
  private handled = 0;
  private allowed = CHUNKS_AHEAD;
  private asked = false;
  private reading = true;
  private last: number | null = null;
  private waiting: ((chunks: number) => void) | null = null;

  constructor(private readonly paused: (chunks: number) => void) {}

  /** A chunk was handled (before the read waits for output credit); returns how many so far. */
  chunkHandled(): number {
    return ++this.handled;
  }

  /** The read's chunk limit: the one agreed on Ctrl-C; none while the share may read on; else a wait. */
  limit(): number | Promise<number> {
    if (this.last !== null) return this.last;
    if (this.handled < this.allowed && !this.asked) return Infinity;
    return new Promise((resolve) => (this.waiting = resolve));
  }

  allow(chunks: number): void {
    this.allowed = chunks;
    if (this.waiting && this.handled < chunks && !this.asked) this.resolve(Infinity);
  }

  stop(): void {
    if (this.asked) return;
    this.asked = true;
    this.paused(this.reading ? this.handled : Infinity);
  }

  endAfter(chunks: number): void {
    this.last = chunks;
    if (this.waiting) this.resolve(chunks);
  }

  inputDone(): void {
    this.reading = false;
  }

  private resolve(chunks: number): void {
    const waiting = this.waiting!;
    this.waiting = null;
    waiting(chunks);
  }
}

/** The logger of a worker's run: warnings go to the main thread, which prints each once; debug lines to stderr. */
export function shardWorkerLogger(logger: Logger): Logger {
  return {
    warn: (message) => parentPort?.postMessage({ type: 'warning', message } satisfies ShardWarning),
    debug: (message) => logger.debug(message),
  };
}

/** A worker's side of `runSharded` (call it in the worker's module): `runShard`, talking with the main thread. */
export async function runShardWorker(input: string, shard: Shard, options: RunOptions, output: TextCapture): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runShardWorker: not in a worker thread');
  const run = runShard(
    input,
    shard,
    options,
    output,
    (batch) => port.postMessage(batch, [batch.output.buffer]),
    (chunks) => port.postMessage({ type: 'paused', chunks } satisfies ShardPaused),
  );
  port.on('message', (message: ShardControl) => {
    if (message.type === 'credit') run.credit(message.bytes, message.buffers);
    else if (message.type === 'allow') run.allow(message.chunks);
    else if (message.type === 'stop') run.stop();
    else run.endAfter(message.chunks);
  });
  port.postMessage(await run.done);
  port.close();
}
