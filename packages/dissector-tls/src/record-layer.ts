import { Framer } from './framing.js';

/** Record content types (RFC 8446 5.1; heartbeat: RFC 6520). */
export const CHANGE_CIPHER_SPEC = 20;
export const ALERT = 21;
export const HANDSHAKE = 22;
export const APPLICATION_DATA = 23;
export const HEARTBEAT = 24;

/** The longest record any version allows (TLS 1.2's TLSCiphertext: 2^14 + 2048). */
export const MAX_RECORD_LENGTH = 2 ** 14 + 2048;

/** What the record layer of one direction tells the session. */
export interface RecordSink {
  /** A record starts: true to be given its body (`record`), false to skip it by count. */
  recordHeader(type: number, length: number, at: number): boolean;
  /** The body of a record `recordHeader` kept (valid only during the call). */
  record(type: number, body: Uint8Array, at: number): void;
  /** The direction's first record in SSLv2's format, whole (2-byte header included): true when TLS records follow it. */
  sslv2Record(record: Uint8Array, at: number): boolean;
  /** The direction cannot be read any further; `mark` says why. */
  unreadable(mark: string): void;
}

/**
 * One direction's TLS records (RFC 8446 5.1, RFC 5246 6.2): 5-byte headers, bodies kept or
 * skipped as the sink says. The direction's first record may be SSLv2's (RFC 6101 E.1: a
 * 2-byte header with the high bit set), as a compatible ClientHello is.
 */
export class RecordReader extends Framer {
  /** The type of the record being read. */
  type = 0;
  private first = true;
  /** The first 5 bytes of an SSLv2 record while its body is read. */
  private sslv2Head: Uint8Array | null = null;

  constructor(private readonly sink: RecordSink) {
    super(5, 5);
  }

  protected onHeader(buf: Uint8Array, offset: number, at: number): void {
    if (this.first) {
      this.first = false;
      if (buf[offset] & 0x80) return this.startSslv2(buf, offset);
    }
    const type = buf[offset];
    const length = (buf[offset + 3] << 8) | buf[offset + 4];
    if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT || buf[offset + 1] !== 3) return this.lose('tls.bad-record-header');
    if (length > MAX_RECORD_LENGTH) return this.lose('tls.record-too-long');
    this.type = type;
    if (this.sink.recordHeader(type, length, at)) this.keepBody(length);
    else this.skipBody(length);
  }

  protected onBody(body: Uint8Array, at: number): void {
    const head = this.sslv2Head;
    if (!head) return this.sink.record(this.type, body, at);
    this.sslv2Head = null;
    const record = new Uint8Array(head.length + body.length);
    record.set(head);
    record.set(body, head.length);
    if (!this.sink.sslv2Record(record, at)) this.stop();
  }

  /** An SSLv2 record: 15-bit length after the 2-byte header, of which 3 bytes are read already. */
  private startSslv2(buf: Uint8Array, offset: number): void {
    const length = ((buf[offset] & 0x7f) << 8) | buf[offset + 1];
    if (length < 3) return this.lose('tls.bad-record-header');
    this.sslv2Head = buf.slice(offset, offset + 5);
    this.keepBody(length - 3);
  }

  protected onOverBudget(): void {
    this.sink.unreadable('tls.over-memory-budget');
  }

  private lose(mark: string): void {
    this.stop();
    this.sink.unreadable(mark);
  }
}
