import type { FrameHandler } from './frame.js';

/**
 * A push parser for a capture file format. `push` is called with consecutive chunks of the
 * file (any sizes); it calls the frame handler once per packet record, in file order.
 * `finish` is called once at the end of input.
 *
 * Both throw `CaptureFormatError` on damage; every frame before the damage has been handed on
 * by then. Memory is bounded: a record whose length field is absurd is damage, not a reason
 * to buffer.
 */
export interface CaptureParser {
  push(chunk: Buffer): void;
  finish(): void;
  /** Packet records read so far (every record, whatever its link type or content). */
  readonly packets: number;
  /** Bytes of input consumed so far. */
  readonly bytesRead: number;
  /**
   * Input offset just past the unit (record, block) being parsed or parsed last. When a frame
   * handler is stopped in the middle of a call (see Watchdog), parsing resumes there: push
   * the input from this offset on again, and nothing is read twice or skipped.
   */
  readonly unitEnd: number;
}

/** Damage in a capture file: what is wrong and the byte offset where it was found. */
export class CaptureFormatError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}

/**
 * A capture format made of units (file header, records, blocks) whose first bytes tell their
 * length. Whole units are parsed in place in the pushed chunk; a unit split across chunks is
 * gathered into one buffer of its length, each byte copied once, so a large unit arriving in
 * small chunks costs time linear in its size.
 */
export abstract class UnitParser implements CaptureParser {
  packets = 0;
  bytesRead = 0;
  unitEnd = 0;
  /** The split unit gathered so far: carry[0, carried); grown to the largest split unit, which unitLength bounds. */
  private carry: Buffer = Buffer.alloc(0);
  private carried = 0;

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.carried === 0) offset = this.consume(chunk, offset);
      if (offset < chunk.length) offset = this.gather(chunk, offset);
    }
  }

  /** The bytes of a unit the input ended in (empty when it ended between units). */
  protected get leftover(): Buffer {
    return this.carry.subarray(0, this.carried);
  }

  abstract finish(): void;

  /** Parses every whole unit of `data` from `offset`; returns where the first incomplete one starts. */
  protected abstract consume(data: Buffer, offset: number): number;

  /**
   * The length of the unit that starts with `head`, or the number of bytes needed to tell it.
   * Throws CaptureFormatError when the head shows damage (an absurd length), so it is never
   * buffered.
   */
  protected abstract unitLength(head: Buffer): number;

  /** Adds chunk bytes to the split unit; parses it once whole. Returns where unread bytes start. */
  private gather(chunk: Buffer, offset: number): number {
    for (let want = this.unitLength(this.leftover); this.carried < want; want = this.unitLength(this.leftover)) {
      if (offset === chunk.length) return offset;
      if (this.carry.length < want) this.carry = grown(this.leftover, want);
      const take = Math.min(want - this.carried, chunk.length - offset);
      chunk.copy(this.carry, this.carried, offset, offset + take);
      this.carried += take;
      offset += take;
    }
    const unit = this.leftover;
    this.carried = 0; // the buffer is kept for the next split unit: no allocation (and page faults) per unit
    this.consume(unit, 0);
    return offset;
  }
}

/** A buffer of `length` bytes that starts with `bytes` (the rest is written before it is read). */
function grown(bytes: Buffer, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  bytes.copy(buffer);
  return buffer;
}

export type { FrameHandler };
