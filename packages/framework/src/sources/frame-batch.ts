import { newFrame, type FrameHandler } from './frame.js';

/**
 * Runs a piece of frame handling under a watchdog and says how it ended: `stopped` when a
 * plugin call was cut off (the handling resumes after the frame it was in), `interrupted` when
 * the user pressed Ctrl-C.
 */
export type FrameGuard = (handle: () => void) => 'done' | 'stopped' | 'interrupted';

export interface FrameBatchOptions {
  linkType: number;
  /** Without a guard, the frames are handled as they are, unguarded. */
  guard?: FrameGuard;
  /** Bytes of frames held at most before the batch is handled (default 4 MiB). */
  arenaBytes?: number;
  /** Frames held at most before the batch is handled (default 4096). */
  maxFrames?: number;
}

/**
 * How long a frame may wait for the frames after it. A guard run costs about 0.1-0.2 ms of CPU,
 * so handing on a batch per event-loop turn would cost that much per packet at moderate rates
 * (packets arriving one by one); batching 20 ms bounds it to 50 runs a second (under 1% of a
 * core) at any rate. The delay is small against the session timeouts and the 500 ms tick.
 */
const BATCH_DELAY_MS = 20;

/**
 * Frames from a source whose bytes are valid only during its callback (libpcap), copied into a
 * reused arena and handed on together `BATCH_DELAY_MS` after the first of them, so that one
 * guard run covers many frames. A full batch is handed on at once, inside the source's
 * callback: nothing is dropped and the memory held stays at the arena. After `interrupted`,
 * frames are ignored.
 */
export class FrameBatch {
  /** Frames added so far; each frame's index (1-based) is its position in this count. */
  received = 0;
  /** Ctrl-C cut a handling: the frames held then and every later one are not handled. */
  interrupted = false;
  private readonly arena: Buffer;
  /** Where each held frame ends in the arena (it starts where the one before ends). */
  private readonly ends: Uint32Array;
  /** Each held frame's length on the wire, and its capture time (seconds since the epoch, nanoseconds). */
  private readonly wireLengths: Uint32Array;
  private readonly seconds: Float64Array;
  private readonly nanoseconds: Uint32Array;
  private held = 0;
  /** Arena bytes the held frames take. */
  private used = 0;
  /** The next held frame to hand on. */
  private next = 0;
  private readonly frame = newFrame();
  private timer: NodeJS.Timeout | null = null;
  private readonly guard: FrameGuard | undefined;

  constructor(
    private readonly onFrame: FrameHandler,
    options: FrameBatchOptions,
  ) {
    this.arena = Buffer.allocUnsafe(options.arenaBytes ?? 4 * 1024 * 1024);
    const maxFrames = options.maxFrames ?? 4096;
    this.ends = new Uint32Array(maxFrames);
    this.wireLengths = new Uint32Array(maxFrames);
    this.seconds = new Float64Array(maxFrames);
    this.nanoseconds = new Uint32Array(maxFrames);
    this.frame.data = this.arena;
    this.frame.linkType = options.linkType;
    this.guard = options.guard;
  }

  /**
   * Copies `bytes[0, length)`, `wireLength` bytes on the wire, captured at `tsSec` seconds and
   * `tsNsec` nanoseconds since the epoch; a frame larger than the arena is cut to it.
   */
  add(bytes: Buffer, length: number, wireLength: number, tsSec: number, tsNsec: number): void {
    if (this.interrupted) return;
    const size = Math.min(length, this.arena.length);
    if (this.held === this.ends.length || this.used + size > this.arena.length) {
      this.flush();
      if (this.interrupted) return;
    }
    this.used += bytes.copy(this.arena, this.used, 0, size);
    this.ends[this.held] = this.used;
    this.wireLengths[this.held] = Math.max(wireLength, size);
    this.seconds[this.held] = tsSec;
    this.nanoseconds[this.held++] = tsNsec;
    this.received++;
    this.timer ??= setTimeout(this.flush, BATCH_DELAY_MS);
  }

  /** Hands on every frame held, under the guard; a stopped call resumes after its frame. */
  readonly flush = (): void => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.next < this.held) {
      const outcome = this.guard ? this.guard(this.handleHeld) : (this.handleHeld(), 'done');
      if (outcome === 'interrupted') {
        this.interrupted = true;
        break;
      }
    }
    this.held = 0;
    this.next = 0;
    this.used = 0;
  };

  /** Hands on the held frames from `next`, which moves before each call (a cut call is not repeated). */
  private readonly handleHeld = (): void => {
    const { frame, ends } = this;
    const firstIndex = this.received - this.held + 1;
    while (this.next < this.held) {
      const i = this.next++;
      const start = i === 0 ? 0 : ends[i - 1]!;
      frame.offset = start;
      frame.caplen = ends[i]! - start;
      frame.wireLen = this.wireLengths[i]!;
      frame.tsSec = this.seconds[i]!;
      frame.tsNsec = this.nanoseconds[i]!;
      frame.index = firstIndex + i;
      this.onFrame(frame);
    }
  };
}
