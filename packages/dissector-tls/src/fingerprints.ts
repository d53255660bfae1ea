/**
 * TLS fingerprints of hellos: JA3 and JA3S (Salesforce's definition, as tshark's
 * tls.handshake.ja3 / ja3s compute them) and JA4 and JA4S (FoxIO's technical_details/JA4.md).
 * GREASE values (RFC 8701) are left out of every list.
 */
import { hexDigest } from './digest.js';
import { isGrease, type ClientHello, type ServerHello } from './hello.js';

/** JA3: MD5 (hex) of `version,ciphers,extensions,groups,pointFormats`, GREASE left out. */
export function ja3(hello: ClientHello): string {
  return md5(ja3String(hello));
}

/** JA3's string before hashing (tshark's tls.handshake.ja3_full): decimal values, `-` within a field. */
export function ja3String(hello: ClientHello): string {
  const fields = [[hello.version], hello.ciphers, hello.extensions, hello.groups, hello.pointFormats];
  return fields.map((values) => withoutGrease(values).join('-')).join(',');
}

/** JA3S: MD5 (hex) of `version,cipher,extensions`. */
export function ja3s(hello: ServerHello): string {
  return md5(ja3sString(hello));
}

/** JA3S's string before hashing (tshark's tls.handshake.ja3s_full). */
export function ja3sString(hello: ServerHello): string {
  return [hello.version, hello.cipher, withoutGrease(hello.extensions).join('-')].join(',');
}

/** JA4 (FoxIO's definition) of a ClientHello over TCP. */
export function ja4(hello: ClientHello): string {
  const ciphers = withoutGrease(hello.ciphers);
  const extensions = withoutGrease(hello.extensions);
  const versions = withoutGrease(hello.supportedVersions);
  // The highest supported_versions entry wins over legacy_version.
  const version = versions.length > 0 ? Math.max(...versions) : hello.version;
  const a =
    't' +
    ja4Version(version) +
    (extensions.includes(SERVER_NAME) ? 'd' : 'i') +
    count(ciphers) +
    count(extensions) +
    alpnChars(hello.alpn[0]);
  const b = hash12(ciphers.map(hex4).sort().join(','));
  // SNI and ALPN are already in part a, so the same client hashes alike whatever it asks for.
  const hashed = extensions.filter((type) => type !== SERVER_NAME && type !== ALPN).map(hex4).sort();
  const signatures = withoutGrease(hello.signatureAlgorithms).map(hex4);
  const c = hashed.length === 0 ? EMPTY_HASH : hash12(hashed.join(',') + (signatures.length > 0 ? '_' + signatures.join(',') : ''));
  return `${a}_${b}_${c}`;
}

/** JA4S of a ServerHello over TCP: its extensions hashed in the order sent. */
export function ja4s(hello: ServerHello): string {
  const extensions = withoutGrease(hello.extensions);
  const a = 't' + ja4Version(hello.selectedVersion ?? hello.version) + count(extensions) + alpnChars(hello.alpn ?? undefined);
  return `${a}_${hex4(hello.cipher)}_${hash12(extensions.map(hex4).join(','))}`;
}

const SERVER_NAME = 0;
const ALPN = 16;
const EMPTY_HASH = '000000000000';
const JA4_VERSIONS = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

function ja4Version(version: number): string {
  return JA4_VERSIONS.get(version) ?? '00';
}

/** A list's length in two digits, at most 99. */
function count(values: readonly number[]): string {
  return String(Math.min(values.length, 99)).padStart(2, '0');
}

/**
 * The first and last characters of the first ALPN value ('00' without one); when either is not
 * an ASCII letter or digit, the first and last characters of the value's hex instead.
 */
function alpnChars(protocol: string | undefined): string {
  if (!protocol) return '00';
  const first = protocol[0]!;
  const last = protocol[protocol.length - 1]!;
  if (ALPHANUMERIC.test(first) && ALPHANUMERIC.test(last)) return first + last;
  const hex = Buffer.from(protocol, 'latin1').toString('hex');
  return hex[0]! + hex[hex.length - 1]!;
}

const ALPHANUMERIC = /^[0-9A-Za-z]$/;

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** SHA-256 (hex) truncated to 12 characters; an empty list is '000000000000', not a hash of nothing. */
function hash12(text: string): string {
  return text === '' ? EMPTY_HASH : hexDigest('sha256', text).slice(0, 12);
}

function md5(text: string): string {
  return hexDigest('md5', text);
}

function withoutGrease(values: readonly number[]): number[] {
  return values.filter((value) => !isGrease(value));
}
