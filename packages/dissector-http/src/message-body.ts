import { CarriedBytes } from './carried-bytes.js';
import { bodyHead, SNIFF_BYTES, sniffType } from './body-sniff.js';
import { extractName, writeExtracted } from './body-extraction.js';
import { contentCodings, decodeBody, decodedBound } from './content-decoding.js';
import type { HttpExchange } from './http-record.js';
import { DEFAULT_EXTRACT_LIMIT, type HttpOptions } from './http-options.js';
import type { BodySink } from './message-reader.js';

/** The most bytes of one content-coded body kept to decode it: past this, it is not decoded whole. */
export const MAX_KEPT_ENCODED = 8 * 1024 * 1024;
/** The most body bytes kept at once by all the messages being read (bodies are kept to decode or extract them). */
export const MAX_KEPT_OVERALL = 64 * 1024 * 1024;

/** Body bytes kept now by every MessageBody (the bound is MAX_KEPT_OVERALL). */
let keptOverall = 0;

/** What a body's owner needs to place it: the session, the options, and a way to mark it. */
export interface BodyOwner {
  readonly sessionId: number;
  readonly options: Partial<HttpOptions>;
  mark(what: string): void;
  /** A body could not be written to the extraction directory (reported once per run by the owner). */
  extractFailed(error: unknown): void;
}

/**
 * The body of the message one direction is reading, kept when something needs its bytes: a
 * content coding to undo (to give its decoded size), extraction, or body bytes in the record.
 * Bytes are kept up to a bound per message and one for all messages at once; at the message's
 * end it is decoded (bounded, see content-decoding) and its facts go into the exchange.
 */
export class MessageBody implements BodySink {
  private kept: CarriedBytes | null = null;
  private codings: string[] = [];
  /** Bytes of the body were never seen. */
  private holed = false;
  /** The overall bound stopped keeping it. */
  private squeezed = false;

  constructor(private readonly owner: BodyOwner) {}

  /**
   * Starts a body whose head says `contentEncoding`: this, the sink its bytes go to, when
   * something needs them; else null (the body is counted, not kept).
   */
  begin(contentEncoding: string | null): BodySink | null {
    this.release();
    this.codings = contentEncoding === null ? NONE : contentCodings(contentEncoding);
    const { extract, extractLimit = DEFAULT_EXTRACT_LIMIT, bodyBytes = 0 } = this.owner.options;
    // Body bytes need enough to sniff the type from.
    const needed = this.codings.length > 0 ? MAX_KEPT_ENCODED : Math.max(extract ? extractLimit : 0, bodyBytes > 0 ? Math.max(bodyBytes, SNIFF_BYTES) : 0);
    if (needed === 0) return null;
    this.kept = new CarriedBytes(needed);
    this.holed = false;
    this.squeezed = false;
    return this;
  }

  add(buf: Buffer, from: number, to: number): void {
    const kept = this.kept!;
    const room = Math.min(to - from, MAX_KEPT_OVERALL - keptOverall);
    const taken = kept.append(buf, from, from + room);
    keptOverall += taken;
    if (taken < to - from && kept.length < kept.limit) this.squeezed = true;
  }

  gap(): void {
    this.holed = true;
  }

  /**
   * The message ended with `wireBytes` body bytes (lost ones counted): its decoded size, MIME
   * type, first bytes and extracted file go into the exchange, as the options ask.
   */
  finish(exchange: HttpExchange, isResponse: boolean, wireBytes: number): void {
    if (this.kept === null) return;
    const kept = this.kept.bytes.subarray(0, this.kept.length);
    const content = this.codings.length > 0 ? this.decoded(exchange, isResponse, kept, wireBytes) : kept;
    if (this.squeezed) this.owner.mark('http.decoded-too-large');
    if (content !== null && content.length > 0) this.describe(exchange, isResponse, content);
    this.release();
  }

  /** Forgets the body (its bytes no longer count against the overall bound). */
  release(): void {
    if (this.kept === null) return;
    keptOverall -= this.kept.length;
    this.kept = null;
  }

  /**
   * The content with its codings undone (null when it does not decode), its size in the
   * exchange: exact for a body kept whole, null for one that is not (bytes lost, or past what
   * is kept), which gives its first bytes only.
   */
  private decoded(exchange: HttpExchange, isResponse: boolean, kept: Buffer, wireBytes: number): Buffer | null {
    let size: number | null = 0;
    let content: Buffer | null = null;
    if (wireBytes > 0) {
      const { extract, bodyBytes = 0 } = this.owner.options;
      const result = decodeBody(kept, this.codings, decodedBound(wireBytes), extract !== undefined || bodyBytes > 0);
      const whole = !this.holed && !this.squeezed && kept.length === wireBytes;
      content = result.bytes;
      size = whole && result.bytes !== null && result.outcome !== 'too-large' ? result.bytes.length : null;
      if (result.outcome === 'bad') this.owner.mark('http.bad-content-encoding');
      else if (result.outcome === 'too-large' || (!whole && kept.length === MAX_KEPT_ENCODED)) this.owner.mark('http.decoded-too-large');
      else if (result.outcome === 'lenient' && whole) this.owner.mark('http.lenient-content-encoding');
    }
    if (isResponse) exchange.responseDecodedBodyBytes = size;
    else exchange.requestDecodedBodyBytes = size;
    return content;
  }

  /** The MIME type, first bytes and extracted file of a non-empty body, as the options ask. */
  private describe(exchange: HttpExchange, isResponse: boolean, content: Buffer): void {
    const { extract, extractLimit = DEFAULT_EXTRACT_LIMIT, bodyBytes = 0 } = this.owner.options;
    const type = sniffType(content);
    if (isResponse) exchange.responseMimeType = type.mime;
    else exchange.requestMimeType = type.mime;
    if (bodyBytes > 0) {
      const head = bodyHead(content, bodyBytes);
      if (isResponse) exchange.responseBodyHead = head.text;
      else exchange.requestBodyHead = head.text;
      if (head.base64 && isResponse) exchange.responseBodyHeadBase64 = true;
      else if (head.base64) exchange.requestBodyHeadBase64 = true;
    }
    if (extract === undefined) return;
    const name = extractName(this.owner.sessionId, exchange.transDepth, exchange.uri, isResponse, type.ext);
    try {
      writeExtracted(extract, name, content, extractLimit);
    } catch (error) {
      this.owner.mark('http.extract-failed');
      this.owner.extractFailed(error);
      return;
    }
    if (isResponse) exchange.responseFile = name;
    else exchange.requestFile = name;
  }
}

const NONE: string[] = [];
