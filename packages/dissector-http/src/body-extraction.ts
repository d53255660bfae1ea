import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** The longest part of a file name taken from a URI. */
const MAX_SEGMENT = 100;

/**
 * The name of an extracted body, one a person can trace to its exchange:
 * `<session id>-<depth>-<last URI segment><ext>` for a response body,
 * `<session id>-<depth>-request-<last URI segment><ext>` for a request body (the segment is
 * left out when the URI has none). Whatever the URI holds (`..`, `/`, `\`, NUL, %-escapes of
 * them, thousands of characters), the name is one plain file name: the segment keeps only
 * letters, digits, `.`, `_` and `-`, no leading dots, at most 100 characters; `ext` is added
 * unless the segment already ends with it.
 */
export function extractName(sessionId: number, depth: number, uri: string | null, isResponse: boolean, ext: string): string {
  const segment = lastSegment(uri ?? '');
  if (ext !== '' && segment.toLowerCase().endsWith(ext)) ext = '';
  return `${sessionId}-${depth}${isResponse ? '' : '-request'}${segment === '' ? '' : `-${segment}`}${ext}`;
}

/** The URI's last path segment (no query or fragment), %-decoded, as safe file-name characters. */
function lastSegment(uri: string): string {
  const path = uri.split(/[?#]/, 1)[0]!;
  const raw = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw segment
  }
  return decoded
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, MAX_SEGMENT);
}

/**
 * Writes the first `limit` bytes of `body` to `dir/name` (the directory is made when missing).
 * Throws on a name that is not one file in `dir` (which extractName never makes) and on I/O
 * errors, for the caller to report.
 */
export function writeExtracted(dir: string, name: string, body: Buffer, limit: number): void {
  const file = resolve(dir, name);
  if (basename(file) !== name || file !== join(resolve(dir), name)) throw new Error(`not a file name in ${dir}: ${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, body.subarray(0, limit));
}
