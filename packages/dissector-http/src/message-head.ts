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

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;

/**
 * Parses a header block `buf[start, end)` (start line, header lines; blank lines ignored).
 * Returns null when the start line is neither a request nor a status line. Runs once per
 * message: the block becomes one latin1 string, lines are found with indexOf, header names
 * are compared in place, and only the values the records need become strings.
 */
export function parseHead(buf: Buffer, start: number, end: number): MessageHead | null {
  const text = buf.toString('latin1', start, end);
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) lineEnd = text.length;
  const head = parseStartLine(text.slice(0, withoutCr(text, 0, lineEnd)));
  if (!head) return null;
  let last: keyof HeaderFields | null = null;
  for (let at = lineEnd + 1; at < text.length; ) {
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const stop = withoutCr(text, at, next);
    const lineStart = at;
    at = next + 1;
    if (stop === lineStart) continue;
    const first = text.charCodeAt(lineStart);
    if ((first === SP || first === HT) && last) {
      // Obsolete line folding: the value goes on.
      head.headers[last] = `${head.headers[last]} ${text.slice(lineStart, stop).trim()}`;
      continue;
    }
    last = null;
    if (INITIALS[(first | 0x20) & 127] !== 1) continue;
    const colon = text.indexOf(':', lineStart);
    if (colon < 0 || colon >= stop) continue;
    last = fieldOf(text, lineStart, colon);
    if (last && head.headers[last] === null) head.headers[last] = text.slice(colon + 1, stop).trim();
    else last = null;
  }
  return head;
}

/** The same from text (tests, tools). */
export function parseHeadText(text: string): MessageHead | null {
  const buf = Buffer.from(text, 'latin1');
  return parseHead(buf, 0, buf.length);
}

const SP = 32;
const HT = 9;
const NAMES = ['host', 'content-length', 'transfer-encoding', 'content-type', 'user-agent', 'referer', 'upgrade'];
const FIELDS: (keyof HeaderFields)[] = ['host', 'contentLength', 'transferEncoding', 'contentType', 'userAgent', 'referer', 'upgrade'];
/** First letters of the names above: most header lines are passed over on their first letter. */
const INITIALS = new Uint8Array(128);
for (const name of NAMES) INITIALS[name.charCodeAt(0)] = 1;

/** The field a header name `text[from, to)` stands for (case-insensitive, trailing blanks allowed). */
function fieldOf(text: string, from: number, to: number): keyof HeaderFields | null {
  while (to > from && (text.charCodeAt(to - 1) === SP || text.charCodeAt(to - 1) === HT)) to--;
  const length = to - from;
  for (let f = 0; f < NAMES.length; f++) {
    const name = NAMES[f]!;
    if (name.length !== length) continue;
    let i = 0;
    while (i < length && (text.charCodeAt(from + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === length) return FIELDS[f]!;
  }
  return null;
}

function withoutCr(text: string, from: number, to: number): number {
  return to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
}

function emptyFields(): HeaderFields {
  return { host: null, contentLength: null, transferEncoding: null, contentType: null, userAgent: null, referer: null, upgrade: null };
}

/** "HTTP/1.1" -> "1.1"; null when not a version. */
function versionOf(token: string): string | null {
  if (token.length !== 8 || !token.startsWith('HTTP/') || token[6] !== '.') return null;
  const major = token.charCodeAt(5);
  const minor = token.charCodeAt(7);
  return major >= 48 && major <= 57 && minor >= 48 && minor <= 57 ? token.slice(5) : null;
}

/** Methods recognised even on a malformed request line (after Wireshark's list). */
export const KNOWN_METHODS = new Set([
  'GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL',
  'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'NOTIFY', 'SUBSCRIBE',
  'UNSUBSCRIBE', 'M-SEARCH', 'CCM_POST', 'PURGE', 'QUERY', 'LINK', 'UNLINK', 'ACL', 'BIND', 'REBIND', 'UNBIND',
]);

/**
 * A status line `HTTP/x.y NNN text`, or a request line. Like Wireshark, a request line is
 * `METHOD URI VERSION`; with a known method the URI and version may be missing or malformed
 * (`OPTIONS`, `GET /x`, `GET / HTTP/1.`); an unknown method needs the whole line.
 */
function parseStartLine(line: string): MessageHead | null {
  const sp1 = line.indexOf(' ');
  const first = sp1 < 0 ? line : line.slice(0, sp1);
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  const second = sp1 < 0 ? null : line.slice(sp1 + 1, sp2 < 0 ? line.length : sp2);
  const responseVersion = versionOf(first);
  if (responseVersion) {
    if (second === null || second.length !== 3 || !(Number(second) >= 100)) return null;
    return head('response', line, null, null, responseVersion, Number(second), sp2 < 0 ? '' : line.slice(sp2 + 1));
  }
  if (!METHOD.test(first)) return null;
  const requestVersion = sp2 < 0 ? null : versionOf(line.slice(line.lastIndexOf(' ') + 1));
  if (!requestVersion && !KNOWN_METHODS.has(first)) return null;
  return head('request', line, first, second, requestVersion ?? '1.0', null, null);
}

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
