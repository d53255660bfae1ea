import { isBlank } from './message-head.js';

/** How a Transfer-Encoding value frames a body (see `chunkedCoding`). */
export type ChunkedCoding = 'chunked' | 'lenient' | 'no';

/**
 * Whether the transfer codings `value` (a list; repeated fields are joined into one) end with
 * chunked, which then frames the body (RFC 9112 6.3; names in any case, blanks around them):
 * 'chunked'. 'lenient' when they do only as browsers read them: NULs in the value
 * (`chu\0nked`), parameters on chunked (`chunked;`), codings after it that change nothing
 * (`chunked, identity`), chunked more than once, or a last coding that holds the word
 * (`xchunked`, `chunkedx`). Else 'no'.
 */
export function chunkedCoding(value: string): ChunkedCoding {
  return isOnlyChunked(value) ? 'chunked' : readCodings(value);
}

/** The value is `chunked` alone (any case, blanks around it): the common case, read without making strings. */
function isOnlyChunked(value: string): boolean {
  let start = 0;
  let end = value.length;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  if (end - start !== CHUNKED.length) return false;
  for (let i = 0; i < CHUNKED.length; i++) if ((value.charCodeAt(start + i) | 0x20) !== CHUNKED.charCodeAt(i)) return false;
  return true;
}

/** Any other value, as a list of codings (a rarer value, read with strings). */
function readCodings(value: string): ChunkedCoding {
  const withoutNul = value.replaceAll('\0', '');
  const names = withoutNul
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '');
  let lenient = withoutNul !== value;
  while (names.length > 1 && names.at(-1) === 'identity') {
    names.pop();
    lenient = true;
  }
  const bare = names.map((coding) => coding.split(';')[0]!.trim());
  const last = bare.at(-1);
  if (last === undefined || !last.includes(CHUNKED)) return 'no';
  lenient ||= last !== names.at(-1) || last !== CHUNKED || bare.indexOf(CHUNKED) < bare.length - 1;
  return lenient ? 'lenient' : 'chunked';
}

/**
 * The value of a Content-Length field (RFC 9110 8.6): decimal digits (leading zeros allowed),
 * or a list of one value (`5, 5`, which is also what repeated fields become). -1 when it is
 * not one: no digits, other characters, differing values, or beyond 2^53 - 1 (no body is that
 * long, and a number past it loses digits). Digits are summed as they come: every partial sum
 * of a valid value is exact, and an invalid one cannot come back under the bound.
 */
export function contentLength(text: string): number {
  let value = -1;
  for (let i = 0; ; i++) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    const first = i;
    let item = 0;
    for (let digit = 0; i < text.length && (digit = text.charCodeAt(i) - 0x30) >= 0 && digit <= 9; i++) item = item * 10 + digit;
    if (i === first || (value >= 0 && item !== value)) return -1;
    value = item;
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (i === text.length) return value <= Number.MAX_SAFE_INTEGER ? value : -1;
    if (text.charCodeAt(i) !== COMMA) return -1;
  }
}

const COMMA = 0x2c;
const CHUNKED = 'chunked';
