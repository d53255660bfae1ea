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

  constructor(
    readonly kind: 'request' | 'response',
    /** The head as latin1 text, start line first. */
    private readonly text: string,
    private readonly startLineEnd: number,
    readonly method: string | null,
    readonly uri: string | null,
    /** "1.1", "1.0"; "1.0" also for a request line without a valid version. */
    readonly version: string,
    readonly status: number | null,
    readonly statusText: string | null,
  ) {}

  /** The start line as sent (for display). */
  get startLine(): string {
    return this.text.slice(0, this.startLineEnd);
  }
}

/**
 * Parses a header block `buf[start, end)` (start line, header lines; blank lines ignored).
 * Returns null when the start line is neither a request nor a status line. Runs once per
 * message: the block becomes one latin1 string, lines are found with indexOf, header names
 * are matched on the bytes by length and first letter, and only the values the records need
 * become strings (slices of the block).
 */
export function parseHead(buf: Buffer, start: number, end: number): MessageHead | null {
  const text = buf.toString('latin1', start, end);
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) lineEnd = text.length;
  const head = parseStartLine(buf, start, text, withoutCr(buf, start, 0, lineEnd));
  if (head) readFields(head, buf, start, text, lineEnd + 1);
  return head;
}

/** The same from text (tests, tools). */
export function parseHeadText(text: string): MessageHead | null {
  const buf = Buffer.from(text, 'latin1');
  return parseHead(buf, 0, buf.length);
}

const SP = 32;
const HT = 9;
const NO_FIELD = -1;
const NAMES = ['host', 'content-length', 'transfer-encoding', 'content-type', 'user-agent', 'referer', 'upgrade'];
/** The field index of a header name by its length and first letter (each pair names one field). */
const FIELD_BY_SHAPE = new Int8Array(32 * 32).fill(NO_FIELD);
NAMES.forEach((name, field) => (FIELD_BY_SHAPE[shapeOf(name.length, name.charCodeAt(0))] = field));
const NAME_BYTES = NAMES.map((name) => Buffer.from(name, 'latin1'));
/**
 * Repeated Content-Length fields are one list (RFC 9110 5.3), so that differing lengths are
 * seen; of the other fields the first is kept.
 */
const CONTENT_LENGTH = NAMES.indexOf('content-length');

function shapeOf(length: number, initial: number): number {
  return length < 32 ? (length << 5) | (initial & 31) : 0;
}

/**
 * Header lines from `text[from]` on (`text[i]` is `buf[base + i]`): the first of each field we
 * use (all the Content-Length ones), trimmed; folded lines go on the value.
 */
function readFields(head: MessageHead, buf: Buffer, base: number, text: string, from: number): void {
  let last = NO_FIELD;
  for (let at = from; at < text.length; ) {
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const lineStart = at;
    const stop = withoutCr(buf, base, lineStart, next);
    at = next + 1;
    if (stop === lineStart) continue;
    const first = buf[base + lineStart];
    if (first === SP || first === HT) {
      // Obsolete line folding: the value goes on.
      if (last !== NO_FIELD) setField(head, last, `${getField(head, last)} ${trimmed(buf, base, text, lineStart, stop)}`);
      continue;
    }
    const colon = text.indexOf(':', lineStart);
    last = colon < 0 || colon >= stop ? NO_FIELD : fieldOf(buf, base + lineStart, base + colon);
    if (last === NO_FIELD) continue;
    if (getField(head, last) === null) setField(head, last, trimmed(buf, base, text, colon + 1, stop));
    else if (last === CONTENT_LENGTH) head.contentLength = `${head.contentLength}, ${trimmed(buf, base, text, colon + 1, stop)}`;
    else last = NO_FIELD;
  }
}

/**
 * The field a header name `buf[from, to)` stands for (case-insensitive, trailing blanks
 * allowed). Compared as bytes: charCodeAt in this loop cost a tenth of the head parse.
 */
function fieldOf(buf: Buffer, from: number, to: number): number {
  while (to > from && (buf[to - 1] === SP || buf[to - 1] === HT)) to--;
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
    default: return fields.upgrade;
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
    default: fields.upgrade = value;
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

/** `to`, or `to - 1` when the line `[from, to)` ends with CR (`buf[base + i]` is position i). */
function withoutCr(buf: Buffer, base: number, from: number, to: number): number {
  return to > from && buf[base + to - 1] === 13 ? to - 1 : to;
}

/** "1.0", "1.1"...: one string per version, not one per message. */
const VERSIONS = Array.from({ length: 100 }, (_, n) => `${Math.floor(n / 10)}.${n % 10}`);

/** The version of `HTTP/d.d` at `buf[from, to)`, or null when it is not one. */
function versionAt(buf: Uint8Array, from: number, to: number): string | null {
  if (to - from !== 8 || !isHttpSlash(buf, from) || buf[from + 6] !== 0x2e) return null;
  const major = buf[from + 5]! - 0x30;
  const minor = buf[from + 7]! - 0x30;
  return major >= 0 && major <= 9 && minor >= 0 && minor <= 9 ? VERSIONS[major * 10 + minor]! : null;
}

/** `HTTP/` at `buf[from]` (the caller knows five bytes are there). */
function isHttpSlash(buf: Uint8Array, from: number): boolean {
  return buf[from] === 0x48 && buf[from + 1] === 0x54 && buf[from + 2] === 0x54 && buf[from + 3] === 0x50 && buf[from + 4] === 0x2f;
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
 * found in the text, characters are checked on the bytes.
 */
function parseStartLine(buf: Buffer, base: number, text: string, end: number): MessageHead | null {
  let sp1 = text.indexOf(' ');
  if (sp1 >= end) sp1 = -1;
  const firstEnd = sp1 < 0 ? end : sp1;
  let sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp2 >= end) sp2 = -1;
  const secondEnd = sp2 < 0 ? end : sp2;
  const responseVersion = versionAt(buf, base, base + firstEnd);
  if (responseVersion) {
    const status = sp1 < 0 ? -1 : statusAt(buf, base + sp1 + 1, base + secondEnd);
    if (status < 100) return null;
    return new MessageHead('response', text, end, null, null, responseVersion, status, sp2 < 0 ? '' : text.slice(sp2 + 1, end));
  }
  if (!isToken(buf, base, base + firstEnd)) return null;
  const method = text.slice(0, firstEnd);
  const requestVersion = sp2 < 0 ? null : versionAt(buf, base + text.lastIndexOf(' ', end - 1) + 1, base + end);
  if (!requestVersion && !KNOWN_METHODS.has(method)) return null;
  return new MessageHead('request', text, end, method, sp1 < 0 ? null : text.slice(sp1 + 1, secondEnd), requestVersion ?? '1.0', null, null);
}

/** Three digits at `buf[from, to)`, or -1. */
function statusAt(buf: Uint8Array, from: number, to: number): number {
  if (to - from !== 3 || !isDigit(buf[from]!) || !isDigit(buf[from + 1]!) || !isDigit(buf[from + 2]!)) return -1;
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

/** True when `bytes` (from `offset`) start like an HTTP message: a method and a space, or HTTP/ and a digit. */
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
