/** The header fields the dissector uses (the first of each, trimmed); null when absent. */
export interface HeaderFields {
  host: string | null;
  contentLength: string | null;
  transferEncoding: string | null;
  contentType: string | null;
  userAgent: string | null;
  referer: string | null;
  upgrade: string | null;
}

/** The start line and the header fields of one HTTP/1.x message. */
export interface MessageHead {
  kind: 'request' | 'response';
  /** The start line as sent (for display). */
  startLine: string;
  method: string | null;
  uri: string | null;
  /** "1.1", "1.0"; "1.0" also for a request line without a valid version. */
  version: string;
  status: number | null;
  statusText: string | null;
  headers: HeaderFields;
}

/**
 * Parses a header block `buf[start, end)` (start line, header lines; blank lines ignored).
 * Returns null when the start line is neither a request nor a status line. Runs once per
 * message: the block becomes one latin1 string, lines are found with indexOf, header names
 * are matched in place by length and first letter, and only the values the records need
 * become strings.
 */
export function parseHead(buf: Buffer, start: number, end: number): MessageHead | null {
  const text = buf.toString('latin1', start, end);
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) lineEnd = text.length;
  const head = parseStartLine(text, withoutCr(text, 0, lineEnd));
  if (head) readFields(head.headers, text, lineEnd + 1);
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

function shapeOf(length: number, initial: number): number {
  return length < 32 ? (length << 5) | (initial & 31) : 0;
}

/** Header lines from `from` on: the first of each field we use, trimmed; folded lines go on the value. */
function readFields(fields: HeaderFields, text: string, from: number): void {
  let last = NO_FIELD;
  for (let at = from; at < text.length; ) {
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const lineStart = at;
    const stop = withoutCr(text, lineStart, next);
    at = next + 1;
    if (stop === lineStart) continue;
    const first = text.charCodeAt(lineStart);
    if (first === SP || first === HT) {
      // Obsolete line folding: the value goes on.
      if (last !== NO_FIELD) setField(fields, last, `${getField(fields, last)} ${trimmed(text, lineStart, stop)}`);
      continue;
    }
    const colon = text.indexOf(':', lineStart);
    last = colon < 0 || colon >= stop ? NO_FIELD : fieldOf(text, lineStart, colon);
    if (last === NO_FIELD) continue;
    if (getField(fields, last) === null) setField(fields, last, trimmed(text, colon + 1, stop));
    else last = NO_FIELD;
  }
}

/** The field a header name `text[from, to)` stands for (case-insensitive, trailing blanks allowed). */
function fieldOf(text: string, from: number, to: number): number {
  while (to > from && (text.charCodeAt(to - 1) === SP || text.charCodeAt(to - 1) === HT)) to--;
  const length = to - from;
  const field = FIELD_BY_SHAPE[shapeOf(length, text.charCodeAt(from) | 0x20)]!;
  if (field === NO_FIELD) return NO_FIELD;
  const name = NAMES[field]!;
  for (let i = 0; i < length; i++) if ((text.charCodeAt(from + i) | 0x20) !== name.charCodeAt(i)) return NO_FIELD;
  return field;
}

/** Named properties, not keyed access: the head object stays monomorphic. */
function getField(fields: HeaderFields, field: number): string | null {
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

function setField(fields: HeaderFields, field: number, value: string): void {
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

/** `text[from, to)` without what String.prototype.trim takes away (in latin1: HT to CR, SP, NBSP). */
function trimmed(text: string, from: number, to: number): string {
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

export function isBlank(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0;
}

function withoutCr(text: string, from: number, to: number): number {
  return to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
}

function emptyFields(): HeaderFields {
  return { host: null, contentLength: null, transferEncoding: null, contentType: null, userAgent: null, referer: null, upgrade: null };
}

/** "1.0", "1.1"...: one string per version, not one per message. */
const VERSIONS = Array.from({ length: 100 }, (_, n) => `${Math.floor(n / 10)}.${n % 10}`);

/** The version of `HTTP/d.d` at `text[from, to)`, or null when it is not one. */
function versionAt(text: string, from: number, to: number): string | null {
  if (to - from !== 8 || !isHttpSlash(text, from) || text.charCodeAt(from + 6) !== 0x2e) return null;
  const major = text.charCodeAt(from + 5) - 0x30;
  const minor = text.charCodeAt(from + 7) - 0x30;
  return major >= 0 && major <= 9 && minor >= 0 && minor <= 9 ? VERSIONS[major * 10 + minor]! : null;
}

/** `HTTP/` at `from` (char by char: startsWith with a position is slower on this path). */
function isHttpSlash(text: string, from: number): boolean {
  return (
    text.charCodeAt(from) === 0x48 &&
    text.charCodeAt(from + 1) === 0x54 &&
    text.charCodeAt(from + 2) === 0x54 &&
    text.charCodeAt(from + 3) === 0x50 &&
    text.charCodeAt(from + 4) === 0x2f
  );
}

/** Methods recognised even on a malformed request line (after Wireshark's list). */
export const KNOWN_METHODS = new Set([
  'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'NOTIFY', 'SUBSCRIBE',
  'UNSUBSCRIBE', 'M-SEARCH', 'CCM_POST', 'PURGE', 'QUERY', 'LINK', 'UNLINK', 'ACL', 'BIND', 'REBIND', 'UNBIND',
]);

/**
 * The start line `text[0, end)`: a status line `HTTP/x.y NNN text`, or a request line. Like
 * Wireshark, a request line is `METHOD URI VERSION`; with a known method the URI and version
 * may be missing or malformed (`OPTIONS`, `GET /x`, `GET / HTTP/1.`); an unknown method needs
 * the whole line.
 */
function parseStartLine(text: string, end: number): MessageHead | null {
  let sp1 = text.indexOf(' ');
  if (sp1 >= end) sp1 = -1;
  const firstEnd = sp1 < 0 ? end : sp1;
  let sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp2 >= end) sp2 = -1;
  const secondEnd = sp2 < 0 ? end : sp2;
  const startLine = text.slice(0, end);
  const responseVersion = versionAt(text, 0, firstEnd);
  if (responseVersion) {
    const status = sp1 < 0 ? -1 : statusAt(text, sp1 + 1, secondEnd);
    if (status < 100) return null;
    return head('response', startLine, null, null, responseVersion, status, sp2 < 0 ? '' : text.slice(sp2 + 1, end));
  }
  if (!isToken(text, 0, firstEnd)) return null;
  const method = text.slice(0, firstEnd);
  const requestVersion = sp2 < 0 ? null : versionAt(text, text.lastIndexOf(' ', end - 1) + 1, end);
  if (!requestVersion && !KNOWN_METHODS.has(method)) return null;
  return head('request', startLine, method, sp1 < 0 ? null : text.slice(sp1 + 1, secondEnd), requestVersion ?? '1.0', null, null);
}

/** Three digits at `text[from, to)`, or -1. */
function statusAt(text: string, from: number, to: number): number {
  return to - from === 3 ? decimalAt(text, from, to) : -1;
}

/** The number written in decimal digits at `text[from, to)`, or -1 when it is empty or not all digits. */
export function decimalAt(text: string, from: number, to: number): number {
  if (to <= from) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** A method token of 1 to 32 characters (RFC 9110 tchar). */
function isToken(text: string, from: number, to: number): boolean {
  if (to <= from || to - from > 32) return false;
  for (let i = from; i < to; i++) if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  return true;
}

const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+.^_`|~-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** One object shape for every head, so that the hot path stays monomorphic. */
function head(
  kind: 'request' | 'response',
  startLine: string,
  method: string | null,
  uri: string | null,
  version: string,
  status: number | null,
  statusText: string | null,
): MessageHead {
  return { kind, startLine, method, uri, version, status, statusText, headers: emptyFields() };
}

/** True when `bytes` (from `offset`) start like an HTTP message: a method and a space, or HTTP/ and a digit. */
export function looksLikeMessageStart(bytes: Uint8Array, offset: number, end: number): 'yes' | 'no' | 'more' {
  if (end - offset >= 5 && bytes[offset] === 0x48 && bytes[offset + 1] === 0x54 && bytes[offset + 2] === 0x54 && bytes[offset + 3] === 0x50 && bytes[offset + 4] === 0x2f) {
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
