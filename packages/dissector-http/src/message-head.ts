/** The start line and the headers of one HTTP/1.x message. */
export interface MessageHead {
  kind: 'request' | 'response';
  /** The start line as sent (for display). */
  startLine: string;
  method: string | null;
  uri: string | null;
  /** "1.1", "1.0", or "0.9" for a request line without a version. */
  version: string;
  status: number | null;
  statusText: string | null;
  /** Header values by lower-case name; a repeated header keeps its first value. */
  headers: Map<string, string>;
}

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;

/**
 * Parses a header block (start line, header lines, without the blank line) given as latin1
 * text. Returns null when the start line is neither a request line nor a status line.
 */
export function parseHead(text: string): MessageHead | null {
  const lines = text.split(/\r?\n/);
  const startLine = lines[0] ?? '';
  const head = parseStartLine(startLine);
  if (!head) return null;
  let last = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      // Obsolete line folding: the value goes on.
      head.headers.set(last, `${head.headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!head.headers.has(name)) head.headers.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return head;
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
  const parts = line.split(' ');
  const base = { startLine: line, headers: new Map<string, string>() };
  const version = VERSION.exec(parts[0] ?? '');
  if (version) {
    if (!/^\d{3}$/.test(parts[1] ?? '')) return null;
    return { ...base, kind: 'response', method: null, uri: null, version: `${version[1]}.${version[2]}`, status: Number(parts[1]), statusText: parts.slice(2).join(' ') };
  }
  const method = parts[0] ?? '';
  if (!METHOD.test(method)) return null;
  const requestVersion = parts.length >= 3 ? VERSION.exec(parts[parts.length - 1]!) : null;
  if (!requestVersion && !KNOWN_METHODS.has(method)) return null;
  return {
    ...base,
    kind: 'request',
    method,
    uri: parts.length >= 2 ? parts[1]! : null,
    version: requestVersion ? `${requestVersion[1]}.${requestVersion[2]}` : '1.0',
    status: null,
    statusText: null,
  };
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
