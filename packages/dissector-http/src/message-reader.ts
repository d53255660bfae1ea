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
/** Bytes enough to tell a message start (a method of up to 32 characters and a space). */
const START_PROBE = 64;
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
  /** Where the piece being read starts, and whether the byte before it ended a line (or a gap was before it). */
  private pieceStart = 0;
  private afterLineEnd = true;
  tunnelBytes = 0;

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
    this.dataRange(buf, 0, buf.length, at);
  }

  /** The bytes `buf[offset, end)`, read in place. */
  dataRange(buf: Buffer, offset: number, end: number, at: number): void {
    if (offset >= end) return;
    this.pieceStart = offset;
    while (offset < end) {
      const state = this.state;
      const next = this.step(buf, offset, end, at);
      if (next === offset && this.state === state) break; // no progress: wait for more bytes
      offset = next;
    }
    this.afterLineEnd = buf[end - 1] === LF;
  }

  /** Bytes never seen: skip them inside a body, else find the next message start. */
  gap(length: number): void {
    this.afterLineEnd = true;
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

  /** Reads from `buf[offset, end)` in the current state; returns where it stopped. */
  private step(buf: Buffer, offset: number, end: number, at: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(buf, offset, end, at);
      case 'body':
      case 'chunk-data':
        return this.skipBody(offset, end, at);
      case 'chunk-size':
      case 'chunk-end':
      case 'trailers':
        return this.readLine(buf, offset, end, at);
      case 'close':
        this.bodyBytes += end - offset;
        return end;
      case 'tunnel':
        this.tunnelBytes += end - offset;
        return end;
      case 'resync':
        return this.resync(buf, offset, end);
    }
  }

  private readHead(buf: Buffer, offset: number, end: number, at: number): number {
    if (!this.pending) {
      // Blank lines between messages are allowed (RFC 9112 2.2).
      while (offset < end && (buf[offset] === CR || buf[offset] === LF)) offset++;
      if (offset === end) return offset;
      if (!this.sawMessage && looksLikeMessageStart(buf, offset, end) === 'no') {
        this.events.notHttp();
        this.state = 'resync';
        return offset + 1;
      }
      // The common case: the whole head is in this piece, parsed in place.
      const headStop = headEnd(buf, offset, end);
      if (headStop >= 0) {
        this.onHead(buf, offset, headStop, at);
        return headStop;
      }
    }
    const piece = buf.subarray(offset, end);
    const data = this.pending ? Buffer.concat([this.pending, piece]) : piece;
    const carried = this.pending ? this.pending.length : 0;
    const headStop = headEnd(data, 0, data.length);
    if (headStop < 0) {
      if (data.length > MAX_HEAD) {
        this.events.anomaly('http.head-too-long');
        this.pending = null;
        this.state = 'resync';
      } else this.pending = Buffer.from(data);
      return end;
    }
    this.pending = null;
    this.onHead(data, 0, headStop, at);
    return offset + headStop - carried;
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

  private skipBody(offset: number, end: number, at: number): number {
    const n = Math.min(this.remaining, end - offset);
    this.remaining -= n;
    this.bodyBytes += n;
    if (this.remaining === 0) {
      if (this.state === 'body') this.finishMessage(at);
      else this.state = 'chunk-end';
    }
    return offset + n;
  }

  /** A line of a chunked body, `line[start, end)` without its line end, read at `at`. */
  private onLine(line: Buffer, start: number, end: number, at: number): void {
    if (this.state === 'chunk-end') this.state = 'chunk-size';
    else if (this.state === 'trailers') {
      // The blank line ends the message.
      if (start === end) this.finishMessage(at);
    } else this.onChunkSize(parseChunkSize(line, start, end));
  }

  private onChunkSize(size: number): void {
    if (size < 0) {
      this.events.anomaly('http.bad-chunk-size');
      this.state = 'resync';
    } else if (size === 0) this.state = 'trailers';
    else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
  }

  /** Reads one CRLF-terminated line (kept across calls) and hands it to onLine. */
  private readLine(buf: Buffer, offset: number, stop: number, at: number): number {
    const lf = indexOfLf(buf, offset, stop);
    if (lf < 0) {
      const piece = buf.subarray(offset, stop);
      this.pending = this.pending ? Buffer.concat([this.pending, piece]) : Buffer.from(piece);
      if (this.pending.length > MAX_HEAD) {
        this.events.anomaly('http.line-too-long');
        this.pending = null;
        this.state = 'resync';
      }
      return stop;
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
    this.onLine(line, start, end, at);
    return lf + 1;
  }

  private finishMessage(at: number): void {
    this.state = 'head';
    this.events.complete(this.bodyBytes, at);
  }

  /**
   * After damage: drop bytes up to the next line (or the first bytes after a gap) that starts
   * a message. A start that runs into the next piece is kept until that piece decides it.
   */
  private resync(buf: Buffer, offset: number, end: number): number {
    if (!this.sawMessage && !this.lostHead) return end;
    if (this.pending) {
      const carried = this.pending;
      this.pending = null;
      const joined = Buffer.concat([carried, buf.subarray(offset, Math.min(end, offset + START_PROBE))]);
      const verdict = looksLikeMessageStart(joined, 0, joined.length);
      if (verdict === 'yes') {
        // The head reader takes the carried bytes and this piece from here.
        this.pending = carried;
        this.state = 'head';
        return offset;
      }
      if (verdict === 'more') {
        this.pending = joined;
        return end;
      }
    }
    for (let i = offset; i < end; i++) {
      if (!(i > this.pieceStart ? buf[i - 1] === LF : this.afterLineEnd)) continue;
      const verdict = looksLikeMessageStart(buf, i, end);
      if (verdict === 'yes') {
        this.state = 'head';
        return i;
      }
      if (verdict === 'more') {
        this.pending = Buffer.from(buf.subarray(i, end));
        return end;
      }
    }
    return end;
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
 * Index just past the blank line that ends the head in `data[from, end)` (CRLFCRLF, or LFLF
 * in a head whose first line ends with a bare LF), or -1. Walks the line ends with a
 * one-byte indexOf, cheaper than searching for the four-byte pattern.
 */
function headEnd(data: Buffer, from: number, end: number): number {
  let lf = indexOfLf(data, from, end);
  if (lf < 0) return -1;
  if (lf > from && data[lf - 1] === CR) {
    for (; lf >= 0 && lf + 2 < end; lf = indexOfLf(data, lf + 1, end)) if (data[lf - 1] === CR && data[lf + 1] === CR && data[lf + 2] === LF) return lf + 3;
    return -1;
  }
  for (; lf >= 0 && lf + 1 < end; lf = indexOfLf(data, lf + 1, end)) if (data[lf + 1] === LF) return lf + 2;
  return -1;
}

/** The first LF in `data[from, end)`, or -1. */
function indexOfLf(data: Buffer, from: number, end: number): number {
  const lf = data.indexOf(LF, from);
  return lf < end ? lf : -1;
}
