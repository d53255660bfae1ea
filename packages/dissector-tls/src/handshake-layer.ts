import { Framer } from './framing.js';

/** Handshake message types read in clear (RFC 8446 4, RFC 5246 7.4). */
export const CLIENT_HELLO = 1;
export const SERVER_HELLO = 2;
export const NEW_SESSION_TICKET = 4;
export const CERTIFICATE = 11;
export const SERVER_KEY_EXCHANGE = 12;

/** What the handshake layer of one direction tells the session. */
export interface HandshakeSink {
  /** A whole handshake message: its type and body (after the 4-byte header; valid only during the call). */
  message(type: number, body: Uint8Array, at: number): void;
  /** A message longer than the bound: it is skipped by count, never buffered. */
  tooLarge(type: number, length: number): void;
  /** A message could not be kept within the run's budget for buffered bytes: no more messages are read. */
  overBudget(): void;
}

/**
 * One direction's handshake messages (RFC 8446 4, RFC 5246 7.4): a 1-byte type and a 3-byte
 * length, reassembled across the handshake records that carry them (one record may hold
 * several; one message may span many records), each kept up to `maxMessage` bytes.
 */
export class HandshakeReader extends Framer {
  private type = 0;

  constructor(
    private readonly sink: HandshakeSink,
    private readonly maxMessage: number,
  ) {
    super(4, 4);
  }

  protected onHeader(buf: Uint8Array, offset: number): void {
    this.type = buf[offset];
    const length = (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3];
    if (length <= this.maxMessage) return this.keepBody(length);
    this.sink.tooLarge(this.type, length);
    this.skipBody(length);
  }

  protected onBody(body: Uint8Array, at: number): void {
    this.sink.message(this.type, body, at);
  }

  protected onOverBudget(): void {
    this.sink.overBudget();
  }
}
