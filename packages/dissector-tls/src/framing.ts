/**
 * Length-delimited frames (a header that gives a body length, then the body) read from a byte
 * stream that arrives in pieces: the TLS record layer and the handshake layer above it are both
 * this. A body is either kept (copied until whole, bounded by the subclass) or skipped by count
 * (nothing copied, nothing allocated: how application data goes by).
 */

/** What a gap did to a framer. */
export type GapEffect = 'skipped' | 'body-lost' | 'sync-lost';

/** A kept body starts this large and doubles as its bytes arrive (a length may lie). */
const FIRST_BODY_SIZE = 64 * 1024;

/**
 * The bytes all framers of the run hold in kept bodies, and the most they may: without a bound
 * across sessions, hostile traffic could make every session hold a record (18 KiB) and a
 * handshake message (up to maxHandshakeMessage) at once. A body that does not fit is not kept:
 * its framer stops (`onOverBudget`).
 */
export const heldBodies = { bytes: 0, limit: 64 * 1024 * 1024 };

export abstract class Framer {
  /** Bytes of the current header (its length can change between frames: SSLv2's is 2). */
  protected headerLength: number;
  /** A header split between pieces, copied here (made on the first split: most sessions have none). */
  private head: Uint8Array | null = null;
  private headHave = 0;
  /** Bytes of the current body still to skip. */
  private skip = 0;
  /** The kept body being filled, its length, and the bytes it has. */
  private body: Uint8Array | null = null;
  private bodyLength = 0;
  private bodyHave = 0;
  /** `keepBody(0)`: the empty body is given at once. */
  private emptyBody = false;
  /** Set by `stop`: the stream cannot be read any further. */
  stopped = false;

  protected constructor(
    headerLength: number,
    private readonly maxHeaderLength: number,
  ) {
    this.headerLength = headerLength;
  }

  /**
   * A whole header at `buf[offset, offset + headerLength)`: the subclass calls `keepBody`,
   * `skipBody` or `stop` (and may change `headerLength` for the next frame).
   */
  protected abstract onHeader(buf: Uint8Array, offset: number, at: number): void;

  /** A whole kept body (valid only during the call). */
  protected abstract onBody(body: Uint8Array, at: number): void;

  /** A body could not be kept within `heldBodies.limit`: the framer has stopped. */
  protected abstract onOverBudget(): void;

  /** The header's body is to be read whole: `onBody` gets it. */
  protected keepBody(length: number): void {
    this.bodyLength = length;
    this.bodyHave = 0;
    this.emptyBody = length === 0;
  }

  /** The header's body is skipped by count. */
  protected skipBody(length: number): void {
    this.skip = length;
    this.bodyLength = 0;
  }

  /** Nothing more is read from this stream. */
  stop(): void {
    this.stopped = true;
    this.release();
  }

  /** Bytes held now (a partial header and body): what this framer costs in memory. */
  get buffered(): number {
    return this.headHave + (this.body?.length ?? 0);
  }

  /** Reads `buf[from, to)`. */
  feed(buf: Uint8Array, from: number, to: number, at: number): void {
    let i = from;
    while (i < to && !this.stopped) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, to - i);
        this.skip -= n;
        i += n;
      } else if (this.bodyLength > 0) {
        i = this.fillBody(buf, i, to, at);
      } else if (this.headHave === 0 && to - i >= this.headerLength) {
        this.startFrame(buf, i, at);
        i += this.headerLength;
      } else {
        // A header split between pieces: copied byte by byte (no view object per piece).
        const head = (this.head ??= new Uint8Array(this.maxHeaderLength));
        while (this.headHave < this.headerLength && i < to) head[this.headHave++] = buf[i++];
        if (this.headHave === this.headerLength) {
          this.headHave = 0;
          this.startFrame(head, 0, at);
        }
      }
    }
  }

  /**
   * `length` bytes never seen. Inside a body of known length the stream stays in step
   * (`skipped`; `body-lost` when that body was being kept: it is dropped); elsewhere the next
   * header cannot be found (`sync-lost`, and the framer stops).
   */
  gap(length: number): GapEffect {
    if (this.stopped) return 'sync-lost';
    if (this.headHave === 0 && this.skip >= length && this.bodyLength === 0) {
      this.skip -= length;
      return 'skipped';
    }
    const left = this.bodyLength - this.bodyHave;
    if (this.headHave === 0 && this.bodyLength > 0 && length <= left) {
      this.release();
      this.skipBody(left - length);
      return 'body-lost';
    }
    this.stop();
    return 'sync-lost';
  }

  private startFrame(buf: Uint8Array, offset: number, at: number): void {
    this.onHeader(buf, offset, at);
    if (this.emptyBody) {
      this.emptyBody = false;
      if (!this.stopped) this.onBody(EMPTY, at);
    }
  }

  private fillBody(buf: Uint8Array, from: number, to: number, at: number): number {
    const want = this.bodyLength - this.bodyHave;
    if (this.body === null && to - from >= want) {
      // The whole body is in this piece: no copy.
      this.bodyLength = 0;
      this.onBody(buf.subarray(from, from + want), at);
      return from + want;
    }
    const n = Math.min(want, to - from);
    if (!this.reserve(this.bodyHave + n)) {
      this.stop();
      this.onOverBudget();
      return to;
    }
    this.body!.set(buf.subarray(from, from + n), this.bodyHave);
    this.bodyHave += n;
    if (this.bodyHave === this.bodyLength) {
      const body = this.body!.subarray(0, this.bodyLength);
      this.release();
      this.bodyLength = 0;
      this.onBody(body, at);
    }
    return from + n;
  }

  /** Room for `size` bytes of the body; false when that would pass `heldBodies.limit`. */
  private reserve(size: number): boolean {
    const body = this.body;
    if (body && body.length >= size) return true;
    let capacity = body ? body.length * 2 : Math.min(this.bodyLength, FIRST_BODY_SIZE);
    while (capacity < size) capacity *= 2;
    capacity = Math.min(capacity, this.bodyLength);
    const held = body?.length ?? 0;
    if (heldBodies.bytes - held + capacity > heldBodies.limit) return false;
    heldBodies.bytes += capacity - held;
    const grown = new Uint8Array(capacity);
    if (body) grown.set(body.subarray(0, this.bodyHave));
    this.body = grown;
    return true;
  }

  private release(): void {
    if (this.body) heldBodies.bytes -= this.body.length;
    this.body = null;
  }
}

const EMPTY = new Uint8Array(0);
