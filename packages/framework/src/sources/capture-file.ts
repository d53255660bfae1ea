import { constants, createReadStream, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { CaptureFormatError, type CaptureParser } from './capture-parser.js';
import type { FrameHandler } from './frame.js';
import { GuardPacing, type FrameGuard } from './frame-batch.js';
import { PcapParser } from './pcap-reader.js';
import { PcapngParser } from './pcapng-reader.js';

const CHUNK = 1024 * 1024;

/** A parser for the format the first bytes announce (pcap of either byte order, or pcapng). */
export function createCaptureParser(head: Buffer, onFrame: FrameHandler): CaptureParser {
  if (head.length < 4) throw new CaptureFormatError(`not a pcap or pcapng file: only ${head.length} bytes`, 0);
  const magic = head.readUInt32BE(0);
  if (magic === 0x0a0d0d0a) return new PcapngParser(onFrame);
  if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) return new PcapParser(onFrame);
  throw new CaptureFormatError(`not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`, 0);
}

export interface ReadOptions {
  onProgress?(bytesRead: number, packets: number): void;
  signal?: AbortSignal;
  /** After each chunk: a promise to wait for before the next (output backed up), or null. */
  paced?(): Promise<void> | null;
  /**
   * Runs the parse of each chunk (every frame handler call in it) under a watchdog and says how
   * it ended: `stopped` when a call was cut off (parsing resumes after the frame that was being
   * handled), `interrupted` when the user pressed Ctrl-C (the read ends as on `signal`).
   */
  guard?: FrameGuard;
  /**
   * After each chunk (after `paced`): how many chunks the read takes in all, told how many it
   * has taken; a promise while that is being agreed. On Ctrl-C the shares of a split run all
   * end after the same chunk (see `runSharded`).
   */
  chunkLimit?(chunksRead: number): number | Promise<number>;
}

/**
 * Hands chunks to a parser, under the guard when there is one, in slices paced to parse in a
 * short while each (see GuardPacing; a whole chunk while parsing is fast, as it is without
 * slow plugins); `interrupted` once Ctrl-C cut a parse.
 */
class GuardedFeed {
  /** Input bytes handed over so far (the parser's unitEnd counts in the same offsets). */
  private pushed = 0;
  /** Bytes handed over in one guarded parse: from 64 KiB, a slow plugin's first slice is not cut. */
  private readonly pacing = new GuardPacing(64 * 1024, 4096, CHUNK);
  interrupted = false;

  constructor(
    private readonly parser: CaptureParser,
    private readonly guard: ReadOptions['guard'],
  ) {}

  push(chunk: Buffer): void {
    const start = this.pushed;
    this.pushed += chunk.length;
    const guard = this.guard;
    if (!guard) {
      this.parser.push(chunk);
      return;
    }
    let at = 0;
    while (at < chunk.length) {
      const end = Math.min(chunk.length, at + this.pacing.size);
      const began = performance.now();
      const outcome = guard(() => this.parser.push(chunk.subarray(at, end)));
      if (outcome === 'interrupted') {
        this.interrupted = true;
        return;
      }
      // Stopped: the call cut off was the parser's last unit's; parsing resumes after it.
      const next = outcome === 'stopped' ? this.parser.unitEnd - start : end;
      this.pacing.took(next - at, performance.now() - began);
      at = next;
    }
  }
}

export interface ReadResult {
  packets: number;
  bytesRead: number;
  /** The file's size, when the input is a regular file. */
  totalBytes?: number;
}

/**
 * Streams a capture file (`-`: standard input) through the right parser in 1 MiB chunks,
 * never holding the whole file. Rejects with CaptureFormatError on damage, after every frame
 * before the damage was handed on; errors thrown by `onFrame` propagate as they are.
 * When `signal` aborts, returns at once with what was read, even while no data arrives (an
 * idle FIFO or pipe); the input is closed.
 */
export async function readCapture(input: string, onFrame: FrameHandler, options: ReadOptions = {}): Promise<ReadResult> {
  const { stream, totalBytes } = openInput(input);
  let parser: CaptureParser | null = null;
  let feed: GuardedFeed | null = null;
  let head = Buffer.alloc(0);
  let chunks = 0;
  let limitReached = false;
  for await (const chunk of chunksUntil(stream, options.signal)) {
    chunks++;
    if (!parser) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4) continue;
      parser = createCaptureParser(head, onFrame);
      feed = new GuardedFeed(parser, options.guard);
      feed.push(head);
    } else {
      feed!.push(chunk);
    }
    if (feed!.interrupted) break;
    options.onProgress?.(parser.bytesRead, parser.packets);
    const wait = options.paced?.();
    if (wait) await untilAborted(wait, options.signal);
    const limit = options.chunkLimit?.(chunks);
    if (limit !== undefined && chunks >= (typeof limit === 'number' ? limit : await limit)) {
      limitReached = true;
      break;
    }
  }
  if (options.signal?.aborted || feed?.interrupted || limitReached) return { packets: parser?.packets ?? 0, bytesRead: parser?.bytesRead ?? 0, totalBytes };
  if (!parser) {
    throw new CaptureFormatError(head.length === 0 ? 'empty file: not a pcap or pcapng file' : `not a pcap or pcapng file: only ${head.length} bytes`, 0);
  }
  parser.finish();
  return { packets: parser.packets, bytesRead: parser.bytesRead, totalBytes };
}

/**
 * The input as a stream, with its size when it is a regular file. A FIFO is read without
 * blocking (a file stream's read of an idle FIFO holds a thread and its close until data
 * comes), so that it can be closed at once when the read is stopped.
 */
function openInput(input: string): { stream: Readable; totalBytes?: number } {
  if (input === '-') return { stream: process.stdin };
  const stat = statSync(input);
  if (stat.isDirectory()) throw Object.assign(new Error(`${input} is a directory`), { code: 'EISDIR' });
  if (stat.isFIFO()) return { stream: new Socket({ fd: openSync(input, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false }) };
  return { stream: createReadStream(input, { highWaterMark: CHUNK }), totalBytes: stat.isFile() ? stat.size : undefined };
}

const ABORTED = Symbol('aborted');
type Aborted = typeof ABORTED;

/**
 * `promise`'s outcome, or ABORTED as soon as the signal aborts. The abort listener is removed
 * once the promise settles: racing every chunk against one long-lived abort promise instead
 * (Promise.race) leaves a reaction on it per chunk that keeps the chunk alive, so the whole
 * input stayed in memory.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | Aborted> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The stream's chunks until it ends or the signal aborts, whichever is first; then the stream is closed. */
async function* chunksUntil(stream: Readable, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const next = chunks.next();
      const result = await untilAborted(next, signal);
      if (result === ABORTED) {
        next.catch(() => {}); // settles when the stream is destroyed: nobody waits for it any more
        return;
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    stream.destroy();
  }
}
