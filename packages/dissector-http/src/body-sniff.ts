import { isUtf8 } from 'node:buffer';

/** A MIME type sniffed from a body's first bytes, and the file extension that goes with it ('' for none). */
export interface SniffedType {
  mime: string;
  ext: string;
}

/** Signatures at the start of a body (after WHATWG MIME Sniffing's table, the common ones). */
const SIGNATURES: readonly [bytes: Buffer, type: SniffedType][] = [
  [Buffer.from([0x1f, 0x8b]), { mime: 'application/gzip', ext: '.gz' }],
  [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { mime: 'image/png', ext: '.png' }],
  [Buffer.from([0xff, 0xd8, 0xff]), { mime: 'image/jpeg', ext: '.jpg' }],
  [Buffer.from('GIF87a', 'latin1'), { mime: 'image/gif', ext: '.gif' }],
  [Buffer.from('GIF89a', 'latin1'), { mime: 'image/gif', ext: '.gif' }],
  [Buffer.from('%PDF-', 'latin1'), { mime: 'application/pdf', ext: '.pdf' }],
  [Buffer.from('PK\x03\x04', 'latin1'), { mime: 'application/zip', ext: '.zip' }],
  [Buffer.from('PK\x05\x06', 'latin1'), { mime: 'application/zip', ext: '.zip' }],
];

/** Tags that make text HTML (after WHATWG MIME Sniffing 7.1), matched in any case after leading blanks. */
const HTML_STARTS = ['<!doctype html', '<html', '<head', '<body', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style', '<title', '<b', '<br', '<p', '<!--'];

const HTML: SniffedType = { mime: 'text/html', ext: '.html' };
const JSON_TYPE: SniffedType = { mime: 'application/json', ext: '.json' };
const TEXT: SniffedType = { mime: 'text/plain', ext: '.txt' };
const BINARY: SniffedType = { mime: 'application/octet-stream', ext: '' };

/** How many first bytes the sniffing looks at. */
export const SNIFF_BYTES = 512;

/**
 * The MIME type of a body from its first bytes: gzip, PNG, JPEG, GIF, PDF, zip by their
 * signatures; else, when the first bytes are text, HTML (a tag first), JSON (`{` or `[`
 * first) or plain text; else application/octet-stream.
 */
export function sniffType(body: Buffer): SniffedType {
  for (const [signature, type] of SIGNATURES) if (body.length >= signature.length && body.subarray(0, signature.length).equals(signature)) return type;
  const head = body.subarray(0, SNIFF_BYTES);
  if (!isText(head)) return BINARY;
  const text = head.toString('latin1').trimStart().toLowerCase();
  for (const tag of HTML_STARTS) {
    const after = text.charCodeAt(tag.length);
    if (text.startsWith(tag) && (tag === '<!--' || after === 0x20 || after === 0x3e || Number.isNaN(after))) return HTML;
  }
  if (text.startsWith('{') || text.startsWith('[')) return JSON_TYPE;
  return TEXT;
}

/**
 * Text: UTF-8 (a character cut by the end of `bytes` allowed) without control characters
 * other than tab, line ends and form feed.
 */
export function isText(bytes: Buffer): boolean {
  for (const byte of bytes) if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) || byte === 0x7f) return false;
  return isUtf8(bytes.subarray(0, bytes.length - cutCharacter(bytes)));
}

/** How many bytes at the end of `bytes` begin a UTF-8 character they do not finish (0 to 3). */
function cutCharacter(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** The first `count` bytes of a body for the record: as text when they are text, else base64 (`base64: true`). */
export function bodyHead(body: Buffer, count: number): { text: string; base64: boolean } {
  const head = body.subarray(0, count);
  if (!isText(head)) return { text: head.toString('base64'), base64: true };
  return { text: head.subarray(0, head.length - cutCharacter(head)).toString('utf8'), base64: false };
}
