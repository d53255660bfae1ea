import { CarriedBytes } from './carried-bytes.js';
import { isBlank, looksLikeMessageStart, parseHead, type MessageHead } from './message-head.js';

/** How the body of a message is delimited, once its head is known. */
export type BodyKind =
  | { type: 'none' }
  | { type: 'length'; length: number }
  | { type: 'chunked' }
  /** Until the connection closes (a response without length, a message whose length is not one). */
  | { type: 'close' }
  /** CONNECT or Upgrade: the rest of the stream is not HTTP. */
  | { type: 'tunnel' };

/** Where a reader hands the bytes of a body its owner keeps (see `MessageReader.bodySink`). */
export interface BodySink {
  /** The body's next bytes, `buf[from, to)` (valid during the call only). */
  add(buf: Buffer, from: number, to: number): void;
  /** Bytes of the body the capture never showed. */
  gap(): void;
}

/** What a reader tells its owner (the HTTP session). */
export interface MessageEvents {
  /** A head was parsed; the owner says how its body is delimited. */
  head(head: MessageHead, at: number): BodyKind;
  /**
   * Bytes that do not start a message where a head is due, after `expectHeadless()`: true when
   * the owner takes them as a response without a head (HTTP/0.9), whose body runs to the close.
   */
  headless(at: number): boolean;
  /** The message (head and body) is complete. */
  complete(bodyBytes: number, at: number): void;
  /** Something is wrong in the stream (`http.<what>`). */
  anomaly(what: string): void;
  /** The first bytes are not HTTP at all. */
  notHttp(): void;
}

/** Header blocks larger than this are an anomaly, not a reason to buffer (the most a reader holds). */
export const MAX_HEAD = 64 * 1024;
/** Bytes enough to tell a message start (a method of up to 32 characters and a space). */
const START_PROBE = 64;
const CR = 0x0d;
const LF = 0x0a;

type State = 'head' | 'skip-head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'tunnel' | 'resync';

/**
 * Reads one direction of an HTTP/1.x connection incrementally: heads are buffered (copied)
 * only while incomplete, and never past MAX_HEAD; bodies are skipped by arithmetic, never
 * copied or scanned, except the chunk-size lines of chunked bodies, and handed to `bodySink`
 * when the owner keeps them. It reads what browsers and common servers accept (llhttp's
 * lenient flags, Zeek) and reports each deviation as an anomaly (`http.lenient-...`).
 */
export class MessageReader {
  private state: State = 'head';
  /** Bytes of an incomplete head, chunk-size/trailer line, or message start being resynchronised on. */
  private readonly carry = new CarriedBytes(MAX_HEAD);
  /** While skipping an oversized head: the bytes of a blank line seen at the piece's end (0, LF: 1, LF CR: 2). */
  private blankLine = 0;
  /** While skipping an oversized head: how its body is delimited, from the fields that fit. */
  private skippedBody: BodyKind | null = null;
  /** Body (or chunk) bytes still to skip. */
  private remaining = 0;
  private bodyBytes = 0;
  private sawMessage = false;
  /** A gap swallowed bytes where a head was due: the next message start is trusted. */
  private lostHeadSeen = false;
  /** Where the piece being read starts, and whether the byte before it ended a line (or a gap was before it). */
  private pieceStart = 0;
  private afterLineEnd = true;
  /** The next head may be missing (after an interim response): bytes that start no message go to `events.headless`. */
  private headlessNext = false;
  tunnelBytes = 0;
  /** Where the body of the message being read goes, when its owner keeps it (set in `head`, cleared when the message ends). */
  bodySink: BodySink | null = null;

  constructor(private readonly events: MessageEvents) {}

  /** Body bytes of the message being read so far. */
  get bodySoFar(): number {
    return this.bodyBytes;
  }

  /** Bytes of memory the reader holds for an incomplete head or line (at most MAX_HEAD). */
  get heldBytes(): number {
    return this.carry.held;
  }

  /** The next message may come without a head (after an interim response; see `events.headless`). */
  expectHeadless(): void {
    this.headlessNext = true;
  }

  /** The connection left HTTP (CONNECT, Upgrade): from now on bytes are counted, not parsed. */
  enterTunnel(): void {
    this.clearCarry();
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

  /**
   * Bytes never seen: skipped inside a body; a gap that runs past a body's end (or through a
   * chunked body, whose end it hides) completes the message there, so that its exchange is
   * reported; where a head was due, the next message start is found.
   */
  gap(length: number, at: number): void {
    this.afterLineEnd = true;
    this.bodySink?.gap();
    const state = this.state;
    if (state === 'tunnel') this.tunnelBytes += length;
    else if (state === 'close') this.bodyBytes += length;
    else if ((state === 'body' || state === 'chunk-data') && length <= this.remaining) {
      this.remaining -= length;
      this.bodyBytes += length;
      if (this.remaining > 0) return;
      if (state === 'body') this.finishMessage(at);
      else this.state = 'chunk-end';
    } else if (state === 'body') {
      this.bodyBytes += this.remaining;
      this.finishMessage(at);
      this.lostHead('http.gap-in-headers');
    } else if (state.startsWith('chunk') || state === 'trailers') {
      this.bodyBytes += length;
      this.finishMessage(at);
      this.lostHead('http.gap-in-chunked-body');
    } else {
      if (state === 'skip-head') this.finishMessage(at);
      this.lostHead('http.gap-in-headers');
    }
  }

  /** A gap took bytes where a head may have been: the next message start is trusted. */
  private lostHead(what: string): void {
    this.events.anomaly(what);
    this.clearCarry();
    this.lostHeadSeen = true;
    this.state = 'resync';
  }

  /**
   * End of the connection or of the capture (`closed`: a FIN): a close-delimited body
   * completes here, and with a FIN so does a chunked body that lacks its last chunk or the
   * blank line after it (browsers take it, marked); a head cut short is reported with what it
   * holds.
   */
  end(at: number, closed: boolean): void {
    const state = this.state;
    if (state === 'close') this.events.complete(this.bodyBytes, at);
    else if (state === 'head' && this.carry.length > 0) this.truncatedHead(at);
    else if (closed && this.atChunkBoundary()) {
      this.events.anomaly('http.lenient-last-chunk');
      this.finishMessage(at);
    } else if (state === 'body' || state.startsWith('chunk') || state === 'trailers') this.events.anomaly('http.truncated-body');
    this.clearCarry();
    this.bodySink = null;
    this.state = 'resync';
  }

  /** Whether a chunked body has all its chunks so far: only its last chunk (or its end) is missing. */
  private atChunkBoundary(): boolean {
    const state = this.state;
    if (state === 'chunk-end' || state === 'trailers') return true;
    return state === 'chunk-size' && (this.carry.length === 0 || parseChunkSize(this.carry.bytes, 0, this.carry.length) === 0);
  }

  /** A head the connection's end cut short (`GET /` without a line end): reported with its whole lines, marked. */
  private truncatedHead(at: number): void {
    const data = this.carry.bytes;
    const lastLf = data.lastIndexOf(LF, this.carry.length - 1);
    const head = parseHead(data, 0, lastLf < 0 ? this.carry.length : lastLf + 1);
    this.clearCarry();
    if (!head) {
      if (this.sawMessage) this.events.anomaly('http.bad-start-line');
      return;
    }
    this.events.anomaly('http.truncated-head');
    this.sawMessage = true;
    this.events.head(head, at);
  }

  /** Reads from `buf[offset, end)` in the current state; returns where it stopped. */
  private step(buf: Buffer, offset: number, end: number, at: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(buf, offset, end, at);
      case 'skip-head':
        return this.skipHead(buf, offset, end, at);
      case 'body':
      case 'chunk-data':
        return this.skipBody(buf, offset, end, at);
      case 'chunk-size':
      case 'chunk-end':
      case 'trailers':
        return this.readLine(buf, offset, end, at);
      case 'close':
        this.bodyBytes += end - offset;
        if (this.bodySink !== null) this.bodySink.add(buf, offset, end);
        return end;
      case 'tunnel':
        this.tunnelBytes += end - offset;
        return end;
      case 'resync':
        return this.resync(buf, offset, end);
    }
  }

  private readHead(buf: Buffer, offset: number, end: number, at: number): number {
    if (this.carry.length === 0) {
      // Blank lines between messages are allowed (RFC 9112 2.2).
      while (offset < end && (buf[offset] === CR || buf[offset] === LF)) offset++;
      if (offset === end) return offset;
      if (this.headlessNext && !mayStartResponse(buf, offset, end) && this.headless(at)) return offset;
      if (!this.sawMessage && looksLikeMessageStart(buf, offset, end) === 'no') {
        this.events.notHttp();
        this.state = 'resync';
        return offset + 1;
      }
      // The common case: the whole head is in this piece, parsed in place (no larger than a carried one).
      const headStop = blankLineEnd(buf, offset, Math.min(end, offset + MAX_HEAD));
      if (headStop >= 0) {
        this.onHead(buf, offset, headStop, at);
        return headStop;
      }
    }
    return this.carryHead(buf, offset, end, at);
  }

  /** Bytes that start no response where one without a head may come: its body when the owner takes them so (true). */
  private headless(at: number): boolean {
    this.headlessNext = false;
    if (!this.events.headless(at)) return false;
    this.bodyBytes = 0;
    this.state = 'close';
    return true;
  }

  /**
   * Adds the piece to the incomplete head, searching only the new bytes (and the two
   * before them) for its end: a head arriving a byte at a time costs linear time.
   */
  private carryHead(buf: Buffer, offset: number, end: number, at: number): number {
    const carry = this.carry;
    const before = carry.length;
    const taken = carry.append(buf, offset, end);
    // Only the bytes kept: a search must not run on through the buffer's unused room.
    const data = carry.bytes.subarray(0, carry.length);
    // The blank line (LF, optional CR, LF) may have begun in the bytes carried before.
    const headStop = blankLineEnd(data, Math.max(0, before - 2), carry.length);
    if (headStop >= 0) {
      this.onHead(data, 0, headStop, at);
      this.clearCarry();
      return offset + headStop - before;
    }
    if (carry.length === MAX_HEAD) this.headTooLarge(at);
    return offset + taken;
  }

  /**
   * The carried head reached MAX_HEAD without its blank line. llhttp and Suricata's libhtp
   * stop parsing the connection there (an error), which would leave every later message
   * unreported; Zeek reads on. A server that accepts the head answers it, so the message
   * counts: its start line and the fields in the first MAX_HEAD bytes make its head (the
   * exchange keeps the responses paired), and the rest of the head is skipped without
   * buffering up to its blank line (see endSkippedHead for the body). The next message is
   * found as after any damage: the next line that starts one.
   */
  private headTooLarge(at: number): void {
    const data = this.carry.bytes;
    const length = this.carry.length;
    this.events.anomaly('http.head-too-large');
    this.blankLine = data[length - 1] === LF ? 1 : data[length - 1] === CR && data[length - 2] === LF ? 2 : 0;
    // Complete lines only: a header cut at the limit is not one.
    const lastLf = data.lastIndexOf(LF, length - 1);
    const head = parseHead(data, 0, lastLf < 0 ? length : lastLf + 1);
    this.clearCarry();
    if (!head) {
      this.badStartLine();
      return;
    }
    this.sawMessage = true;
    this.bodyBytes = 0;
    this.state = 'skip-head';
    this.skippedBody = this.events.head(head, at);
  }

  /**
   * Skips the rest of an oversized head up to its blank line: a line end, an optional CR and
   * a line end (either style: the first is taken), found across pieces through `blankLine`.
   */
  private skipHead(buf: Buffer, offset: number, end: number, at: number): number {
    let seen = this.blankLine;
    let i = offset;
    while (i < end) {
      if (seen > 0) {
        if (buf[i] === LF) {
          this.blankLine = 0;
          this.endSkippedHead(at);
          return i + 1;
        }
        if (buf[i] === CR && seen === 1) {
          seen = 2;
          i++;
          continue;
        }
      }
      const lf = indexOfLf(buf, i, end);
      if (lf < 0) {
        seen = 0;
        break;
      }
      seen = 1;
      i = lf + 1;
    }
    this.blankLine = seen;
    return end;
  }

  /**
   * A length or chunked body seen in the fields that fit is read as such (and a tunnel is one).
   * Without them the framing may be in the fields skipped: the message ends with its head and
   * resync finds the next message start (at once when it follows, as it does without a body).
   */
  private endSkippedHead(at: number): void {
    const body = this.skippedBody!;
    this.skippedBody = null;
    if (body.type === 'none' || body.type === 'close') {
      this.finishMessage(at);
      this.state = 'resync';
    } else this.startBody(body, at);
  }

  private onHead(data: Buffer, start: number, end: number, at: number): void {
    this.headlessNext = false;
    const head = parseHead(data, start, end);
    if (!head) {
      this.badStartLine();
      return;
    }
    this.sawMessage = true;
    this.bodyBytes = 0;
    this.startBody(this.events.head(head, at), at);
  }

  /** A head whose start line is neither a request nor a status line. */
  private badStartLine(): void {
    if (!this.sawMessage) this.events.notHttp();
    else this.events.anomaly('http.bad-start-line');
    this.state = 'resync';
  }

  private startBody(body: BodyKind, at: number): void {
    if (body.type === 'none') this.finishMessage(at);
    else if (body.type === 'length') {
      this.remaining = body.length;
      this.state = 'body';
      if (body.length === 0) this.finishMessage(at);
    } else if (body.type === 'chunked') this.state = 'chunk-size';
    else this.state = body.type;
  }

  private skipBody(buf: Buffer, offset: number, end: number, at: number): number {
    const n = Math.min(this.remaining, end - offset);
    this.remaining -= n;
    this.bodyBytes += n;
    if (this.bodySink !== null) this.bodySink.add(buf, offset, offset + n);
    if (this.remaining === 0) {
      if (this.state === 'body') this.finishMessage(at);
      else this.state = 'chunk-end';
    }
    return offset + n;
  }

  /** A line of a chunked body, `line[start, end)` without its line end, read at `at`. */
  private onLine(line: Buffer, start: number, end: number, at: number): void {
    if (this.state === 'chunk-end') {
      // The line after a chunk's data is empty; what else is there is passed over.
      if (start !== end) this.events.anomaly('http.lenient-chunk-end');
      this.state = 'chunk-size';
    } else if (this.state === 'trailers') {
      // The blank line ends the message.
      if (start === end) this.finishMessage(at);
    } else if (start === end) {
      // A blank line where a chunk size is due: passed over, as browsers do.
      this.events.anomaly('http.lenient-chunk-size');
    } else {
      const size = parseChunkSize(line, start, end);
      if (size >= 0 && chunkSizeWasLenient) this.events.anomaly('http.lenient-chunk-size');
      this.onChunkSize(size);
    }
  }

  private onChunkSize(size: number): void {
    if (size < 0) this.framingLost('http.bad-chunk-size');
    else if (size === 0) this.state = 'trailers';
    else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
  }

  /** Reads one CRLF-terminated line (kept across calls) and hands it to onLine. */
  private readLine(buf: Buffer, offset: number, stop: number, at: number): number {
    const lf = indexOfLf(buf, offset, stop);
    if (lf < 0) {
      if (this.carry.append(buf, offset, stop) < stop - offset) this.framingLost('http.line-too-long');
      return stop;
    }
    let line = buf;
    let start = offset;
    let end = lf;
    if (this.carry.length > 0) {
      if (this.carry.append(buf, offset, lf) < lf - offset) {
        this.framingLost('http.line-too-long');
        return lf + 1;
      }
      line = this.carry.bytes;
      start = 0;
      end = this.carry.length;
    }
    if (end > start && line[end - 1] === CR) end--;
    else this.events.anomaly('http.lenient-line-end');
    this.onLine(line, start, end, at);
    this.clearCarry();
    return lf + 1;
  }

  /**
   * A chunked body that is not one: its end cannot be found, as with a Content-Length that is
   * not one (RFC 9112 7.1, 6.3), so the rest of the direction is its body, never read as new
   * messages; the peer would close the connection (llhttp and libhtp stop there too).
   */
  private framingLost(what: string): void {
    this.events.anomaly(what);
    this.clearCarry();
    this.state = 'close';
  }

  private finishMessage(at: number): void {
    this.state = 'head';
    this.bodySink = null;
    this.events.complete(this.bodyBytes, at);
  }

  private clearCarry(): void {
    this.carry.clear();
  }

  /**
   * After damage: drop bytes up to the next line (or the first bytes after a gap) that starts
   * a message. A start that runs into the next piece is kept until that piece decides it.
   */
  private resync(buf: Buffer, offset: number, end: number): number {
    if (!this.sawMessage && !this.lostHeadSeen) return end;
    const carry = this.carry;
    if (carry.length > 0) {
      const carried = carry.length;
      const taken = carry.append(buf, offset, Math.min(end, offset + START_PROBE));
      const verdict = looksLikeMessageStart(carry.bytes, 0, carry.length);
      if (verdict === 'yes') {
        // The head reader takes the carried bytes and this piece from here.
        carry.truncate(carried);
        this.state = 'head';
        return offset;
      }
      if (verdict === 'more') return offset + taken;
      this.clearCarry();
    }
    for (let i = offset; i < end; i++) {
      if (!(i > this.pieceStart ? buf[i - 1] === LF : this.afterLineEnd)) continue;
      const verdict = looksLikeMessageStart(buf, i, end);
      if (verdict === 'yes') {
        this.state = 'head';
        return i;
      }
      if (verdict === 'more') {
        carry.append(buf, i, end);
        return end;
      }
    }
    return end;
  }
}

/** Whether the last size parseChunkSize read was a lenient reading (see there). */
let chunkSizeWasLenient = false;

/**
 * The size of the chunk-size line `line[start, end)` (`1a3;ext=v`), read from the bytes without
 * making strings; -1 when it does not start with 1 to 13 significant hex digits (leading zeros
 * allowed). As Firefox reads it (strtoul): blanks and a `0x` before the digits, and anything
 * after them that is not an extension, are tolerated; such a reading sets chunkSizeWasLenient.
 */
export function parseChunkSize(line: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && isBlank(line[i]!)) i++;
  let lenient = i > start;
  if (end - i > 2 && line[i] === 0x30 && (line[i + 1]! | 0x20) === 0x78 && HEX_VALUE[line[i + 2]!] !== 255) {
    i += 2;
    lenient = true;
  }
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
  if (digits === 0 || significant > 13) return -1;
  // Blanks before an extension are allowed (BWS); blanks alone, or other bytes, are not.
  let after = i;
  while (after < end && isBlank(line[after]!)) after++;
  if (after < end ? line[after] !== SEMICOLON : after > i) lenient = true;
  chunkSizeWasLenient = lenient;
  return size;
}

const SEMICOLON = 0x3b;
const HEX_VALUE = new Uint8Array(256).fill(255);
for (let d = 0; d < 10; d++) HEX_VALUE[0x30 + d] = d;
for (let d = 0; d < 6; d++) HEX_VALUE[0x61 + d] = HEX_VALUE[0x41 + d] = 10 + d;


/** Whether `buf[offset, end)` may start a response: `HTTP/` in any case, or as much of it as there is. */
function mayStartResponse(buf: Buffer, offset: number, end: number): boolean {
  const length = Math.min(5, end - offset);
  for (let i = 0; i < length; i++) if ((buf[offset + i]! | 0x20) !== HTTP_SLASH[i]) return false;
  return true;
}

/** `http/`, each byte as `| 0x20` leaves it (`/` is unchanged). */
const HTTP_SLASH = Buffer.from('http/', 'latin1');

/**
 * Index just past the first blank line whose last line end is in `data[from, end)`: an LF,
 * an optional CR and an LF (CRLF CRLF, LF LF, or mixed, as RFC 9112 2.2 lets a recipient read
 * a bare LF); -1 when there is none yet. Walks the line ends with a one-byte indexOf, cheaper
 * than searching for a pattern.
 */
function blankLineEnd(data: Buffer, from: number, end: number): number {
  for (let lf = indexOfLf(data, from, end); lf >= 0 && lf + 1 < end; lf = indexOfLf(data, lf + 1, end)) {
    const next = data[lf + 1];
    if (next === LF) return lf + 2;
    if (next === CR) {
      if (lf + 2 === end) return -1;
      if (data[lf + 2] === LF) return lf + 3;
    }
  }
  return -1;
}

/** Below this many bytes a loop finds an LF sooner than a call into Buffer#indexOf. */
const SHORT_SEARCH = 32;

/**
 * The first LF in `data[from, end)`, or -1. Buffer#indexOf takes no end, and where the range
 * has no LF it scans on past `end` to the next one: a short range (a trickle of one-byte
 * segments) is searched by hand so that such a miss costs the range, not what follows it.
 */
function indexOfLf(data: Buffer, from: number, end: number): number {
  if (end - from < SHORT_SEARCH) {
    for (let at = from; at < end; at++) if (data[at] === LF) return at;
    return -1;
  }
  const lf = data.indexOf(LF, from);
  return lf < end ? lf : -1;
}
