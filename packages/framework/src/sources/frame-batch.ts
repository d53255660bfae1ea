import { newFrame, type FrameHandler } from './frame.js';

/**
 * Runs a piece of frame handling under a watchdog and says how it ended: `stopped` when a
 * plugin call was cut off (the handling resumes after the frame it was in), `interrupted` when
 * the user pressed Ctrl-C.
 */
export type FrameGuard = (handle: () => void) => 'done' | 'stopped' | 'interrupted';

/**
 * How long one guarded run should take at most. The watchdog stops whatever plugin call is
 * running once a run has taken the plugin timeout (1 s by default), so slow calls adding up
 * over a large piece of input would cut an innocent one (a plugin that takes 1 ms a call, say).
 * Work is handed over in pieces that take about this long, so that only a call stuck for most
 * of the timeout is cut.
 */
const GUARDED_RUN_MS = 50;

/** The size of the pieces of work done under one guard run: doubled while runs are fast, cut down to GUARDED_RUN_MS when one is slow. */
export class GuardPacing {
  size: number;

  constructor(
    first: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.size = first;
  }

  /** A run handled `units` in `ms`. */
  took(units: number, ms: number): void {
    if (ms > GUARDED_RUN_MS) this.size = Math.max(this.min, Math.floor((units * GUARDED_RUN_MS) / ms));
    else if (ms < GUARDED_RUN_MS / 4 && units >= this.size) this.size = Math.min(this.max, this.size * 2);
  }
}

/**
 * A batch's bounds: bytes and frames. One read of a busy link takes a few milliseconds to
 * handle, so timers and output get their turn between reads; libpcap's buffer holds the rest.
 */
const ARENA_BYTES = 4 * 1024 * 1024;
const MAX_FRAMES = 4096;

/**
 * uint32 fields of a frame's record in `FrameBatch.records`, in this order: where the frame
 * ends in the arena (it starts where the one before ends), its length on the wire, its capture
 * time's seconds since the epoch and nanoseconds. The capture addon writes them (packages/cap).
 */
export const RECORD_FIELDS = 4;

/**
 * Frames that a source writes in place, many at a time (the capture addon reads all that
 * libpcap has ready into `arena` and `records`), handed on by `handle` under one run of the
 * guard: a guard run costs about 0.1-0.2 ms, too much per frame. After `interrupted`, frames
 * are ignored.
 */
export class FrameBatch {
  /** Frames handed on so far; each frame's index (1-based) is its position in this count. */
  received = 0;
  /** Ctrl-C cut a handling: the rest of that batch and every later one are not handled. */
  interrupted = false;
  /** Frames after this many are not handed on (a stopped capture's). */
  limit = Infinity;
  /** The frames' bytes, back to back. */
  readonly arena: Buffer;
  /** `RECORD_FIELDS` per frame. */
  readonly records: Uint32Array;
  /** The next frame of the batch to hand on, and the end of the frames of this guard run. */
  private next = 0;
  private runEnd = 0;
  private readonly pacing = new GuardPacing(256, 16, MAX_FRAMES);
  private readonly frame = newFrame();

  /** Without a guard, the frames are handled as they are, unguarded. */
  constructor(
    private readonly onFrame: FrameHandler,
    private readonly guard?: FrameGuard,
  ) {
    this.arena = Buffer.allocUnsafe(ARENA_BYTES);
    this.records = new Uint32Array(MAX_FRAMES * RECORD_FIELDS);
    this.frame.data = this.arena;
  }

  /** LINKTYPE_* of the frames, known once the source is open. */
  get linkType(): number {
    return this.frame.linkType;
  }

  set linkType(value: number) {
    this.frame.linkType = value;
  }

  /**
   * Hands on the first `count` frames written, under the guard in paced runs (see
   * GuardPacing); a stopped call resumes after its frame.
   */
  readonly handle = (written: number): void => {
    const count = Math.min(written, this.limit - this.received);
    if (this.interrupted || count <= 0) return;
    this.next = 0;
    const guard = this.guard;
    if (!guard) {
      this.runEnd = count;
      this.handleRest();
    }
    while (guard && this.next < count) {
      const first = this.next;
      const began = performance.now();
      this.runEnd = Math.min(count, first + this.pacing.size);
      const outcome = guard(this.handleRest);
      this.pacing.took(this.next - first, performance.now() - began);
      if (outcome === 'interrupted') {
        this.interrupted = true;
        break;
      }
    }
    this.received += this.next;
  };

  /** Hands on the frames from `next` to `runEnd`; `next` moves before each call (a cut call is not repeated). */
  private readonly handleRest = (): void => {
    const { frame, records, runEnd } = this;
    const firstIndex = this.received + 1;
    while (this.next < runEnd) {
      const i = this.next++;
      const record = i * RECORD_FIELDS;
      const start = i === 0 ? 0 : records[record - RECORD_FIELDS]!;
      frame.offset = start;
      frame.caplen = records[record]! - start;
      frame.wireLen = Math.max(records[record + 1]!, frame.caplen);
      frame.tsSec = records[record + 2]!;
      frame.tsNsec = records[record + 3]!;
      frame.index = firstIndex + i;
      this.onFrame(frame);
    }
  };
}
