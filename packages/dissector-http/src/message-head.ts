/**
 * The start line and the header fields of one HTTP/1.x message. Header fields are the first
 * of each the dissector uses, trimmed; null when absent. One flat object per head, and the
 * start line is cut from the head's text only when it is asked for (the pretty output).
 */
export class MessageHead {
  host: string | null = null;
  contentLength: string | null = null;
  transferEncoding: string | null = null;
  contentType: string | null = null;
  userAgent: string | null = null;
  referer: string | null = null;
  upgrade: string | null = null;
  contentEncoding: string | null = null;
  /** The ways the head departs from RFC 9112 that were tolerated (`Deviation` bits), 0 for none. */
  deviations = 0;

  constructor(
    readonly kind: 'request' | 'response',
    /** The head as latin1 text, start line first. */
    private readonly text: string,
    private readonly startLineEnd: number,
    readonly method: string | null,
    readonly uri: string | null,
    /** "1.1", "1.0" as sent ("1.10" is kept); "1.0" also for a request line without a valid version. */
    readonly version: string,
    readonly status: number | null,
    readonly statusText: string | null,
  ) {}

  /** The start line as sent (for display). */
  get startLine(): string {
    return this.text.slice(0, this.startLineEnd);
  }
}

/** Deviation bits (plain constants: the parse reads them without a property load). */
const VERSION = 1;
const START_LINE = 2;
const LINE_END = 4;
const HEADER = 8;

/**
 * What a head may do that RFC 9112 does not allow and browsers and common servers accept
 * (bits of `MessageHead.deviations`; each becomes an `http.lenient-...` mark).
 */
export const Deviation = {
  /** A version that is not `HTTP/d.d` as written: `HTTP/1.10`, `HTTP/1.01`, `http/1.1`. */
  VERSION,
  /** Spaces in the start line other than one SP between its parts, or no SP between the status and the reason phrase. */
  START_LINE,
  /** A line ended by a bare LF (RFC 9112 2.2 lets a recipient take it; a sender must send CRLF), or a bare CR in the start line. */
  LINE_END,
  /**
   * A header line that is not `name: value`: blanks before the colon, a character a name may
   * not have at its start or end (a blank, a control, `\0`...), no colon, a folded line.
   */
  HEADER,
} as const;

/** The deviations of the head being parsed (one head at a time: a scratch value, not an allocation). */
let deviations = 0;

/**
 * Parses a header block `buf[start, end)` (start line, header lines; blank lines ignored).
 * Returns null when the start line is neither a request nor a status line. Runs once per
 * message: the block becomes one latin1 string, lines are found with indexOf, header names
 * are matched on the bytes by length and first letter, and only the values the records need
 * become strings (slices of the block). Lines end with CRLF or a bare LF; each tolerated
 * deviation is noted in `deviations`.
 */
export function parseHead(buf: Buffer, start: number, end: number): MessageHead | null {
  const text = buf.toString('latin1', start, end);
  deviations = 0;
  const startLineEnd = lineStop(text, 0);
  const firstCr = text.indexOf('\r');
  bareCrInStartLine = firstCr >= 0 && firstCr < startLineEnd;
  if (bareCrInStartLine) deviations |= LINE_END;
  const head = parseStartLine(buf, start, text, startLineEnd);
  if (!head) return null;
  readFields(head, buf, start, text, nextLine);
  head.deviations = deviations;
  return head;
}

/** Scratch results: where the line after the one lineStop looked at starts; whether the start line holds a bare CR. */
let nextLine = 0;
let bareCrInStartLine = false;

/**
 * The end of the line that starts at `text[at]`, without its line end (CRLF, or a bare LF:
 * noted); sets nextLine. A bare CR does not end a line, as browsers read heads: in the start
 * line it is noted and read as a space (RFC 9112 2.2); in a field's value it stays, and makes
 * a Content-Length or Transfer-Encoding value not one. (Looking for bare CRs in every line
 * cost a tenth of the head parse.)
 */
function lineStop(text: string, at: number): number {
  let lf = text.indexOf('\n', at);
  if (lf < 0) lf = text.length;
  nextLine = lf + 1;
  if (lf > at && text.charCodeAt(lf - 1) === 0x0d) return lf - 1;
  // A bare LF (a line cut by the end of the text has no line end to judge).
  if (lf < text.length) deviations |= LINE_END;
  return lf;
}

/** The same from text (tests, tools). */
export function parseHeadText(text: string): MessageHead | null {
  const buf = Buffer.from(text, 'latin1');
  return parseHead(buf, 0, buf.length);
}

const SP = 32;
const HT = 9;
const COLON = 0x3a;
const NO_FIELD = -1;
const NAMES = ['host', 'content-length', 'transfer-encoding', 'content-type', 'user-agent', 'referer', 'upgrade', 'content-encoding'];
/** The field index of a header name by its length and first letter (each pair names one field). */
const FIELD_BY_SHAPE = new Int8Array(32 * 32).fill(NO_FIELD);
NAMES.forEach((name, field) => (FIELD_BY_SHAPE[shapeOf(name.length, name.charCodeAt(0))] = field));
const NAME_BYTES = NAMES.map((name) => Buffer.from(name, 'latin1'));
/**
 * Fields whose repeats make one list (RFC 9110 5.3): differing Content-Lengths are seen, and
 * every transfer and content coding counts; of the other fields the first is kept.
 */
const LIST_FIELDS = NAMES.map((name) => name === 'content-length' || name.endsWith('-encoding'));

function shapeOf(length: number, initial: number): number {
  return length < 32 ? (length << 5) | (initial & 31) : 0;
}

/**
 * Header lines from `text[from]` on (`text[i]` is `buf[base + i]`): the first of each field we
 * use (the Content-Length, Transfer-Encoding and Content-Encoding ones make one list each),
 * trimmed. A folded line (obs-fold) goes on the value before it, unless it reads as a field
 * of its own (`name:` right after its blanks), which it is then, as readers that do not
 * fold take it: either way the head is marked.
 */
function readFields(head: MessageHead, buf: Buffer, base: number, text: string, from: number): void {
  let last = NO_FIELD;
  for (let at = from; at < text.length; ) {
    const lineStart = at;
    const stop = lineStop(text, at);
    at = nextLine;
    if (stop === lineStart) continue;
    let nameStart = lineStart;
    if (isSpOrHt(buf[base + lineStart]!)) {
      deviations |= HEADER;
      while (nameStart < stop && isSpOrHt(buf[base + nameStart]!)) nameStart++;
      if (!startsField(buf, base + nameStart, base + stop)) {
        if (last !== NO_FIELD) setField(head, last, joined(getField(head, last)!, ' ', trimmed(buf, base, text, nameStart, stop)));
        continue;
      }
    }
    const colon = text.indexOf(':', nameStart);
    if (colon < 0 || colon >= stop) {
      deviations |= HEADER;
      last = NO_FIELD;
      continue;
    }
    last = fieldOf(buf, base + nameStart, base + colon);
    if (last === NO_FIELD) continue;
    const value = trimmed(buf, base, text, colon + 1, stop);
    const before = getField(head, last);
    if (before === null) setField(head, last, value);
    else if (LIST_FIELDS[last]) setField(head, last, joined(before, ', ', value));
    else last = NO_FIELD;
  }
}

/** Two parts of a value with `separator` between them, or the one that is not empty. */
function joined(before: string, separator: string, after: string): string {
  return before === '' ? after : after === '' ? before : `${before}${separator}${after}`;
}

/** A field name (token characters) directly followed by a colon at `buf[from, to)`. */
function startsField(buf: Buffer, from: number, to: number): boolean {
  let i = from;
  while (i < to && TCHAR[buf[i]!] === 1) i++;
  return i > from && i < to && buf[i] === COLON;
}

/**
 * The field a header name `buf[from, to)` stands for (case-insensitive; blanks before the
 * colon are tolerated, and marked, as are characters a name may not have at its ends). Compared as bytes:
 * charCodeAt in this loop cost a tenth of the head parse.
 */
function fieldOf(buf: Buffer, from: number, to: number): number {
  const named = to;
  while (to > from && (buf[to - 1] === SP || buf[to - 1] === HT)) to--;
  // The name's ends only: checking every character cost a third of the head parse.
  if (to !== named || to === from || TCHAR[buf[from]!] !== 1 || TCHAR[buf[to - 1]!] !== 1) deviations |= HEADER;
  const length = to - from;
  const field = FIELD_BY_SHAPE[shapeOf(length, buf[from]! | 0x20)]!;
  if (field === NO_FIELD) return NO_FIELD;
  const name = NAME_BYTES[field]!;
  for (let i = 0; i < length; i++) if ((buf[from + i]! | 0x20) !== name[i]) return NO_FIELD;
  return field;
}

/** Named properties, not keyed access: the head object stays monomorphic. */
function getField(fields: MessageHead, field: number): string | null {
  switch (field) {
    case 0: return fields.host;
    case 1: return fields.contentLength;
    case 2: return fields.transferEncoding;
    case 3: return fields.contentType;
    case 4: return fields.userAgent;
    case 5: return fields.referer;
    case 6: return fields.upgrade;
    default: return fields.contentEncoding;
  }
}

function setField(fields: MessageHead, field: number, value: string): void {
  switch (field) {
    case 0: fields.host = value; break;
    case 1: fields.contentLength = value; break;
    case 2: fields.transferEncoding = value; break;
    case 3: fields.contentType = value; break;
    case 4: fields.userAgent = value; break;
    case 5: fields.referer = value; break;
    case 6: fields.upgrade = value; break;
    default: fields.contentEncoding = value;
  }
}

/**
 * `text[from, to)` without what String.prototype.trim takes away (in latin1: HT to CR, SP,
 * NBSP), checked on the bytes (`text[i]` is `buf[base + i]`).
 */
function trimmed(buf: Buffer, base: number, text: string, from: number, to: number): string {
  while (from < to && isBlank(buf[base + from]!)) from++;
  while (to > from && isBlank(buf[base + to - 1]!)) to--;
  return text.slice(from, to);
}

export function isBlank(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0;
}

/** "1.0", "1.1"...: one string per version, not one per message. */
const VERSIONS = Array.from({ length: 100 }, (_, n) => `${Math.floor(n / 10)}.${n % 10}`);

/** Scratch result of versionAt: where the version it read ends. */
let versionEnd = 0;

/**
 * The version of `HTTP/major.minor` at `text[from]` (up to `to`), digits of any length and
 * `HTTP` in any case (a deviation unless it is `HTTP/d.d`), or null when there is none there
 * (or, `whole`, when it does not end at `to`). Sets versionEnd.
 */
function versionAt(buf: Buffer, base: number, text: string, from: number, to: number, whole = false): string | null {
  if (to - from < 8 || !isHttpSlash(buf, base + from)) return null;
  let dot = from + 5;
  while (dot < to && isDigit(buf[base + dot]!)) dot++;
  if (dot === from + 5 || dot === to || buf[base + dot] !== 0x2e) return null;
  let stop = dot + 1;
  while (stop < to && isDigit(buf[base + stop]!)) stop++;
  if (stop === dot + 1 || (whole && stop !== to)) return null;
  versionEnd = stop;
  if (stop - from === 8 && isUpperHttp(buf, base + from)) return VERSIONS[(buf[base + from + 5]! - 0x30) * 10 + buf[base + from + 7]! - 0x30]!;
  deviations |= VERSION;
  return text.slice(from + 5, stop);
}

function isUpperHttp(buf: Buffer, at: number): boolean {
  return buf[at] === 0x48 && buf[at + 1] === 0x54 && buf[at + 2] === 0x54 && buf[at + 3] === 0x50;
}

/** `HTTP/` in any case at `buf[from]` (the caller knows five bytes are there). */
export function isHttpSlash(buf: Uint8Array, from: number): boolean {
  return (buf[from]! | 0x20) === 0x68 && (buf[from + 1]! | 0x20) === 0x74 && (buf[from + 2]! | 0x20) === 0x74 && (buf[from + 3]! | 0x20) === 0x70 && buf[from + 4] === 0x2f;
}

/** Methods recognised even on a malformed request line (after Wireshark's list). */
export const KNOWN_METHODS = new Set([
  'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'NOTIFY', 'SUBSCRIBE',
  'UNSUBSCRIBE', 'M-SEARCH', 'CCM_POST', 'PURGE', 'QUERY', 'LINK', 'UNLINK', 'ACL', 'BIND', 'REBIND', 'UNBIND',
]);

/**
 * The start line `text[0, end)` (`text[i]` is `buf[base + i]`): a status line
 * `HTTP/x.y NNN text`, or a request line. Like Wireshark, a request line is
 * `METHOD URI VERSION`; with a known method the URI and version may be missing or malformed
 * (`OPTIONS`, `GET /x`, `GET / HTTP/1.`); an unknown method needs the whole line. Spaces are
 * found in the text, characters are checked on the bytes. Runs of spaces between the parts,
 * and a status line without the space before its reason phrase, are read and noted.
 */
function parseStartLine(buf: Buffer, base: number, text: string, end: number): MessageHead | null {
  const responseVersion = versionAt(buf, base, text, 0, end);
  if (responseVersion) return parseStatusLine(buf, base, text, end, responseVersion, versionEnd);
  let sp1 = text.indexOf(' ');
  if (sp1 >= end) sp1 = -1;
  const methodEnd = sp1 < 0 ? end : sp1;
  if (!isToken(buf, base, base + methodEnd)) return null;
  const method = text.slice(0, methodEnd);
  let lineEnd = end;
  while (lineEnd > methodEnd && buf[base + lineEnd - 1] === SP) lineEnd--;
  const uriStart = sp1 < 0 ? lineEnd : skipSpaces(buf, base, sp1, lineEnd);
  let uriEnd = text.indexOf(' ', uriStart);
  if (uriEnd < 0 || uriEnd >= lineEnd) uriEnd = lineEnd;
  const lastSpace = text.lastIndexOf(' ', lineEnd - 1);
  const requestVersion = uriEnd === lineEnd ? null : versionAt(buf, base, text, lastSpace + 1, lineEnd, true);
  if (!requestVersion && !KNOWN_METHODS.has(method)) return null;
  if (lineEnd < end || (sp1 >= 0 && uriStart > sp1 + 1) || (requestVersion && lastSpace > uriEnd)) deviations |= START_LINE;
  const uri = uriStart < lineEnd ? text.slice(uriStart, uriEnd) : null;
  return new MessageHead('request', text, end, method, uri, requestVersion ?? '1.0', null, null);
}

/** A status line whose version ends at `text[from]`: blanks, three digits, and the reason phrase after one SP. */
function parseStatusLine(buf: Buffer, base: number, text: string, end: number, version: string, from: number): MessageHead | null {
  const codeStart = skipBlanks(buf, base, from, end);
  if (codeStart === from) return null;
  const status = statusAt(buf, base + codeStart, base + end);
  if (status < 100) return null;
  const codeEnd = codeStart + 3;
  let reasonStart = codeEnd + 1;
  if (codeStart !== from + 1 || buf[base + from] !== SP || codeEnd === end || buf[base + codeEnd] !== SP) {
    deviations |= START_LINE;
    reasonStart = skipBlanks(buf, base, codeEnd, end);
  }
  const reason = reasonStart < end ? text.slice(reasonStart, end) : '';
  return new MessageHead('response', text, end, null, null, version, status, bareCrInStartLine ? reason.replaceAll('\r', ' ') : reason);
}

function skipSpaces(buf: Buffer, base: number, from: number, to: number): number {
  while (from < to && buf[base + from] === SP) from++;
  return from;
}

function skipBlanks(buf: Buffer, base: number, from: number, to: number): number {
  while (from < to && isSpOrHt(buf[base + from]!)) from++;
  return from;
}

function isSpOrHt(c: number): boolean {
  return c === SP || c === HT;
}

/** Three digits at `buf[from]` not followed by a fourth before `end`, or -1. */
function statusAt(buf: Uint8Array, from: number, end: number): number {
  if (end - from < 3 || !isDigit(buf[from]!) || !isDigit(buf[from + 1]!) || !isDigit(buf[from + 2]!)) return -1;
  if (end - from > 3 && isDigit(buf[from + 3]!)) return -1;
  return (buf[from]! - 0x30) * 100 + (buf[from + 1]! - 0x30) * 10 + (buf[from + 2]! - 0x30);
}

/** A method token of 1 to 32 characters (RFC 9110 tchar) at `buf[from, to)`. */
function isToken(buf: Uint8Array, from: number, to: number): boolean {
  if (to <= from || to - from > 32) return false;
  for (let i = from; i < to; i++) if (TCHAR[buf[i]!] !== 1) return false;
  return true;
}

const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+.^_`|~-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** True when `bytes` (from `offset`) start like an HTTP message: a method and a space, or HTTP/ (any case) and a digit. */
export function looksLikeMessageStart(bytes: Uint8Array, offset: number, end: number): 'yes' | 'no' | 'more' {
  if (end - offset >= 5 && isHttpSlash(bytes, offset)) {
    if (end - offset < 6) return 'more';
    return isDigit(bytes[offset + 5]!) ? 'yes' : 'no';
  }
  for (let i = offset; i < end && i - offset <= 32; i++) {
    const c = bytes[i]!;
    if (c === 0x20) return i > offset ? 'yes' : 'no';
    if (c === 0x0d || c === 0x0a) return KNOWN_METHODS.has(Buffer.from(bytes.subarray(offset, i)).toString('latin1')) ? 'yes' : 'no';
    if (!isTokenChar(c)) return 'no';
  }
  return end - offset > 32 ? 'no' : 'more';
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isTokenChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || isDigit(c) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x21 || c === 0x7e;
}
