import { newFrame, type FrameHandler } from './frame.js';

/**
 * Runs a piece of frame handling under a watchdog and says how it ended: `stopped` when a
 * plugin call was cut off (the handling resumes after the frame it was in), `interrupted` when
 * the user pressed Ctrl-C.
 */
export type FrameGuard = (handle: () => void) => 'done' | 'stopped' | 'interrupted';

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
  private count = 0;
  /** The next frame of the batch to hand on. */
  private next = 0;
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

  /** Hands on the first `count` frames written, under the guard; a stopped call resumes after its frame. */
  readonly handle = (written: number): void => {
    const count = Math.min(written, this.limit - this.received);
    if (this.interrupted || count <= 0) return;
    this.count = count;
    this.next = 0;
    while (this.next < count) {
      const outcome = this.guard ? this.guard(this.handleRest) : (this.handleRest(), 'done');
      if (outcome === 'interrupted') {
        this.interrupted = true;
        break;
      }
    }
    this.received += this.next;
  };

  /** Hands on the frames from `next`, which moves before each call (a cut call is not repeated). */
  private readonly handleRest = (): void => {
    const { frame, records, count } = this;
    const firstIndex = this.received + 1;
    while (this.next < count) {
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
