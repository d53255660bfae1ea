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

export type { FrameHandler };
