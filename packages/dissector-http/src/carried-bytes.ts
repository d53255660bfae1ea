/** The first buffer a carry takes: room for a typical head cut across two segments. */
const INITIAL_CAPACITY = 1024;

/**
 * Bytes an incremental reader keeps across pieces (an incomplete head or line), up to a
 * bound. One buffer that doubles as it fills, so that a head arriving a byte at a time costs
 * a copy per byte, not a copy of everything kept so far; it is dropped when cleared, so an
 * idle connection holds nothing.
 */
export class CarriedBytes {
  private buffer: Buffer | null = null;
  /** Bytes kept: `bytes[0, length)`. */
  length = 0;

  constructor(readonly limit: number) {}

  /** The buffer holding the kept bytes at `[0, length)` (it may be longer). */
  get bytes(): Buffer {
    return this.buffer ?? EMPTY;
  }

  /** Bytes of memory held (the buffer's size). */
  get held(): number {
    return this.buffer?.length ?? 0;
  }

  /** Keeps what fits of `src[from, to)` under the limit; returns how many bytes it took. */
  append(src: Uint8Array, from: number, to: number): number {
    const taken = Math.min(to - from, this.limit - this.length);
    const needed = this.length + taken;
    if (needed > this.held) {
      const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(needed, this.held * 2, INITIAL_CAPACITY)));
      if (this.buffer) this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer!.set(src.subarray(from, from + taken), this.length);
    this.length = needed;
    return taken;
  }

  /** Forgets all but the first `length` bytes. */
  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  clear(): void {
    this.buffer = null;
    this.length = 0;
  }
}

const EMPTY = Buffer.alloc(0);
