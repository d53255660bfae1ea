import { isBlank, looksLikeMessageStart, parseHead, type MessageHead } from './message-head.js';

/** How the body of a message is delimited, once its head is known. */
export type BodyKind =
  | { type: 'none' }
  | { type: 'length'; length: number }
  | { type: 'chunked' }
  /** Until the connection closes (a response without length). */
  | { type: 'close' }
  /** CONNECT or Upgrade: the rest of the stream is not HTTP. */
  | { type: 'tunnel' };

/** What a reader tells its owner (the HTTP session). */
export interface MessageEvents {
  /** A head was parsed; the owner says how its body is delimited. */
  head(head: MessageHead, at: number): BodyKind;
  /** The message (head and body) is complete. */
  complete(bodyBytes: number, at: number): void;
  /** Something is wrong in the stream (`http.<what>`). */
  anomaly(what: string): void;
  /** The first bytes are not HTTP at all. */
  notHttp(): void;
}

/** Header blocks larger than this are an anomaly, not a reason to buffer. */
const MAX_HEAD = 64 * 1024;
const CR = 0x0d;
const LF = 0x0a;

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'tunnel' | 'resync';

/**
 * Reads one direction of an HTTP/1.x connection incrementally: heads are buffered (copied)
 * only while incomplete; bodies are skipped by arithmetic, never copied or scanned, except
 * the chunk-size lines of chunked bodies.
 */
export class MessageReader {
  private state: State = 'head';
  /** Bytes of an incomplete head or chunk-size/trailer line. */
  private pending: Buffer | null = null;
  /** Body (or chunk) bytes still to skip. */
  private remaining = 0;
  private bodyBytes = 0;
  private sawMessage = false;
  /** A gap swallowed bytes where a head was due: the next message start is trusted. */
  private lostHead = false;
  tunnelBytes = 0;
  /** Capture time of the bytes being read, for the trailer handler. */
  private at = 0;

  constructor(private readonly events: MessageEvents) {}

  /** Body bytes of the message being read so far. */
  get bodySoFar(): number {
    return this.bodyBytes;
  }

  /** The connection left HTTP (CONNECT, Upgrade): from now on bytes are counted, not parsed. */
  enterTunnel(): void {
    this.pending = null;
    this.state = 'tunnel';
  }

  data(bytes: Uint8Array, at: number): void {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    while (offset < buf.length) {
      const state = this.state;
      const next = this.step(buf, offset, at);
      if (next === offset && this.state === state) break; // no progress: wait for more bytes
      offset = next;
    }
  }

  /** Bytes never seen: skip them inside a body, else find the next message start. */
  gap(length: number): void {
    if (this.state === 'tunnel') this.tunnelBytes += length;
    else if (this.state === 'close') this.bodyBytes += length;
    else if ((this.state === 'body' || this.state === 'chunk-data') && length <= this.remaining) {
      this.remaining -= length;
      this.bodyBytes += length;
    } else {
      this.events.anomaly('http.gap-in-headers');
      this.pending = null;
      this.lostHead = true;
      this.state = 'resync';
    }
  }

  /** End of the connection: a close-delimited body completes here. */
  end(at: number): void {
    if (this.state === 'close') this.events.complete(this.bodyBytes, at);
    else if (this.state === 'body' || this.state.startsWith('chunk') || this.state === 'trailers') this.events.anomaly('http.truncated-body');
    this.state = 'resync';
  }

  private step(buf: Buffer, offset: number, at: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(buf, offset, at);
      case 'body':
      case 'chunk-data':
        return this.skipBody(buf, offset, at);
      case 'chunk-size':
        return this.readLine(buf, offset, this.chunkSize);
      case 'chunk-end':
        return this.readLine(buf, offset, this.chunkEnd);
      case 'trailers':
        this.at = at;
        return this.readLine(buf, offset, this.trailer);
      case 'close':
        this.bodyBytes += buf.length - offset;
        return buf.length;
      case 'tunnel':
        this.tunnelBytes += buf.length - offset;
        return buf.length;
      case 'resync':
        return this.resync(buf, offset);
    }
  }

  private readHead(buf: Buffer, offset: number, at: number): number {
    if (!this.pending) {
      // Blank lines between messages are allowed (RFC 9112 2.2).
      while (offset < buf.length && (buf[offset] === CR || buf[offset] === LF)) offset++;
      if (offset === buf.length) return offset;
      if (!this.sawMessage && looksLikeMessageStart(buf, offset, buf.length) === 'no') {
        this.events.notHttp();
        this.state = 'resync';
        return offset + 1;
      }
      // The common case: the whole head is in this piece, parsed in place.
      const end = headEnd(buf, offset);
      if (end >= 0) {
        this.onHead(buf, offset, end, at);
        return end;
      }
    }
    const data = this.pending ? Buffer.concat([this.pending, buf.subarray(offset)]) : buf.subarray(offset);
    const carried = this.pending ? this.pending.length : 0;
    const end = headEnd(data, 0);
    if (end < 0) {
      if (data.length > MAX_HEAD) {
        this.events.anomaly('http.head-too-long');
        this.pending = null;
        this.state = 'resync';
      } else this.pending = Buffer.from(data);
      return buf.length;
    }
    this.pending = null;
    this.onHead(data, 0, end, at);
    return offset + end - carried;
  }

  private onHead(data: Buffer, start: number, end: number, at: number): void {
    const head = parseHead(data, start, end);
    if (!head) {
      if (!this.sawMessage) this.events.notHttp();
      else this.events.anomaly('http.bad-start-line');
      this.state = 'resync';
      return;
    }
    this.sawMessage = true;
    this.bodyBytes = 0;
    const body = this.events.head(head, at);
    if (body.type === 'none') this.finishMessage(at);
    else if (body.type === 'length') {
      this.remaining = body.length;
      this.state = 'body';
      if (body.length === 0) this.finishMessage(at);
    } else if (body.type === 'chunked') this.state = 'chunk-size';
    else this.state = body.type;
  }

  private skipBody(buf: Buffer, offset: number, at: number): number {
    const n = Math.min(this.remaining, buf.length - offset);
    this.remaining -= n;
    this.bodyBytes += n;
    if (this.remaining === 0) {
      if (this.state === 'body') this.finishMessage(at);
      else this.state = 'chunk-end';
    }
    return offset + n;
  }

  // Line handlers are fields, not methods: readLine takes them without a closure per call.
  private readonly chunkSize = (line: Buffer, start: number, end: number): void => {
    const size = parseChunkSize(line, start, end);
    if (size < 0) {
      this.events.anomaly('http.bad-chunk-size');
      this.state = 'resync';
      return;
    }
    if (size === 0) {
      this.state = 'trailers';
      return;
    }
    this.remaining = size;
    this.state = 'chunk-data';
  };

  private readonly chunkEnd = (): void => {
    this.state = 'chunk-size';
  };

  /** A trailer line; the blank one ends the message (at the time of the bytes being read). */
  private readonly trailer = (_line: Buffer, start: number, end: number): void => {
    if (start === end) this.finishMessage(this.at);
  };

  /** Reads one CRLF-terminated line (kept across calls), hands it on as `line[start, end)` without the line end. */
  private readLine(buf: Buffer, offset: number, onLine: (line: Buffer, start: number, end: number) => void): number {
    const lf = buf.indexOf(LF, offset);
    if (lf < 0) {
      const piece = buf.subarray(offset);
      this.pending = this.pending ? Buffer.concat([this.pending, piece]) : Buffer.from(piece);
      if (this.pending.length > MAX_HEAD) {
        this.events.anomaly('http.line-too-long');
        this.pending = null;
        this.state = 'resync';
      }
      return buf.length;
    }
    let line = buf;
    let start = offset;
    let end = lf;
    if (this.pending) {
      line = Buffer.concat([this.pending, buf.subarray(offset, lf)]);
      this.pending = null;
      start = 0;
      end = line.length;
    }
    if (end > start && line[end - 1] === CR) end--;
    onLine(line, start, end);
    return lf + 1;
  }

  private finishMessage(at: number): void {
    this.state = 'head';
    this.events.complete(this.bodyBytes, at);
  }

  /** After damage: drop bytes up to the next line that starts a message. */
  private resync(buf: Buffer, offset: number): number {
    for (let i = offset; i < buf.length; i++) {
      if (i > 0 && buf[i - 1] !== LF) continue;
      if (looksLikeMessageStart(buf, i, buf.length) === 'yes' && (this.sawMessage || this.lostHead)) {
        this.state = 'head';
        return i;
      }
    }
    return buf.length;
  }
}

/**
 * The size of the chunk-size line `line[start, end)` (`1a3;ext=v`), read from the bytes without making strings;
 * -1 when it is not 1 to 13 significant hex digits (leading zeros and blanks allowed).
 */
export function parseChunkSize(line: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isBlank(line[i]!)) i++;
  let size = 0;
  let digits = 0;
  let significant = 0;
  for (; i < end; i++) {
    const value = HEX_VALUE[line[i]!]!;
    if (value === 255) break;
    digits++;
    if (size > 0 || value > 0) significant++;
    size = size * 16 + value;
  }
  while (i < end && isBlank(line[i]!)) i++;
  if (digits === 0 || significant > 13 || (i < end && line[i] !== SEMICOLON)) return -1;
  return size;
}

const SEMICOLON = 0x3b;
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let d = 0; d < 10; d++) HEX_VALUE[0x30 + d] = d;
for (let d = 0; d < 6; d++) HEX_VALUE[0x61 + d] = HEX_VALUE[0x41 + d] = 10 + d;


/**
 * Index just past the blank line that ends the head starting at `from` (CRLFCRLF, or LFLF in
 * a head whose first line ends with a bare LF), or -1. Walks the line ends with a one-byte
 * indexOf, cheaper than searching for the four-byte pattern.
 */
function headEnd(data: Buffer, from: number): number {
  let lf = data.indexOf(LF, from);
  if (lf < 0) return -1;
  if (lf > from && data[lf - 1] === CR) {
    for (; lf >= 0; lf = data.indexOf(LF, lf + 1)) if (data[lf - 1] === CR && data[lf + 1] === CR && data[lf + 2] === LF) return lf + 3;
    return -1;
  }
  for (; lf >= 0; lf = data.indexOf(LF, lf + 1)) if (data[lf + 1] === LF) return lf + 2;
  return -1;
}
