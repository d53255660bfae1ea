/**
 * X.509 certificates as the TLS record gives them, read by Node's `crypto.X509Certificate`
 * (OpenSSL underneath, as Zeek's x509 analyzer).
 */
import { X509Certificate } from 'node:crypto';
import { hexDigest } from './digest.js';
import type { TlsCertificate } from './tls-record.js';

/**
 * A distinguished name as RFC 4514 (and Zeek, OpenSSL's `-nameopt RFC2253`) writes it: last
 * attribute first, comma-joined, values escaped. Node gives it one attribute per line in DER
 * order with OpenSSL's RFC 2253 escaping already done, a multi-valued RDN joined by ` + ` (an
 * unescaped `+` in a value cannot occur, so that separator is unambiguous).
 */
export function rfc4514Name(nodeName: string): string {
  return nodeName
    .split('\n')
    .reverse()
    .map((rdn) => rdn.split(' + ').reverse().join('+'))
    .join(',');
}

/**
 * Subject alternative names from Node's `subjectAltName` (`DNS:a, IP Address:192.0.2.1`, a
 * value with a comma or quote as a JSON string: `DNS:"a,b"`): DNS names bare, addresses as
 * `IP:...`, other kinds with their prefix.
 */
export function subjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  const entry = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/gy;
  for (let match = entry.exec(text); match && match[0] !== ''; match = entry.exec(text)) {
    const kind = match[1];
    const value = match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : match[2];
    if (kind === 'DNS') names.push(value);
    else if (kind === 'IP Address') names.push(`IP:${value}`);
    else names.push(`${kind}:${value}`);
  }
  return names;
}

/** Key size in bits of a named curve: the number in its name (`prime256v1`, `secp384r1`). */
function curveBits(curve: string): number | null {
  const bits = /\d{3}/.exec(curve);
  return bits ? Number(bits[0]) : null;
}

/** Key sizes of the key types without details (OpenSSL's `Public-Key: (N bit)`). */
const FIXED_KEY_BITS: Record<string, number> = { ed25519: 256, ed448: 456, x25519: 253, x448: 448 };

function publicKeyOf(cert: X509Certificate): Pick<TlsCertificate, 'keyType' | 'keyBits' | 'keyCurve'> {
  try {
    const key = cert.publicKey;
    const type = key.asymmetricKeyType ?? null;
    const details = key.asymmetricKeyDetails ?? {};
    const curve = details.namedCurve ?? null;
    const bits = details.modulusLength ?? (curve ? curveBits(curve) : null) ?? (type ? (FIXED_KEY_BITS[type] ?? null) : null);
    return { keyType: type, keyBits: bits, keyCurve: curve };
  } catch {
    // A key type Node cannot load (GOST, an EC key on explicit parameters): the rest still holds.
    return { keyType: null, keyBits: null, keyCurve: null };
  }
}

function selfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** OpenSSL's `Jan  2 00:00:00 2027 GMT` as ISO 8601, or null for a time it printed but no date parses (a damaged certificate). */
function isoDate(text: string): string | null {
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * Certificates read lately, by SHA-256: a server sends the same chain on every connection, and
 * OpenSSL's parse costs ten times the hash (0.3-0.4 ms against 20-50 us for a typical certificate).
 * Shared between records, hence frozen.
 */
const recent = new Map<string, Readonly<TlsCertificate> | null>();
const RECENT_LIMIT = 1024;

/** One DER certificate, or null when Node cannot parse it (or its validity). */
export function readCertificate(der: Uint8Array): Readonly<TlsCertificate> | null {
  const sha256 = hexDigest('sha256', der);
  const known = recent.get(sha256);
  if (known !== undefined) return known;
  const cert = parseCertificate(der, sha256);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(sha256, cert);
  return cert;
}

function parseCertificate(der: Uint8Array, sha256: string): Readonly<TlsCertificate> | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return null;
  }
  const notBefore = isoDate(cert.validFrom);
  const notAfter = isoDate(cert.validTo);
  if (notBefore === null || notAfter === null) return null;
  return Object.freeze({
    subject: rfc4514Name(cert.subject),
    issuer: rfc4514Name(cert.issuer),
    sans: Object.freeze(subjectAltNames(cert.subjectAltName)) as string[],
    serial: cert.serialNumber.toUpperCase(),
    notBefore,
    notAfter,
    ...publicKeyOf(cert),
    sha256,
    selfSigned: selfSigned(cert),
  });
}

/** A Certificate handshake message (TLS 1.0-1.2): the DER certificates of its chain; null when its lengths do not add up. */
export function certificateList(body: Uint8Array): Uint8Array[] | null {
  if (body.length < 3) return null;
  const total = (body[0] << 16) | (body[1] << 8) | body[2];
  if (total !== body.length - 3) return null;
  const list: Uint8Array[] = [];
  for (let i = 3; i < body.length; ) {
    if (i + 3 > body.length) return null;
    const length = (body[i] << 16) | (body[i + 1] << 8) | body[i + 2];
    i += 3;
    if (i + length > body.length) return null;
    list.push(body.subarray(i, i + length));
    i += length;
  }
  return list;
}

/**
 * The server name matches the certificate (RFC 6125 6.4): one of its DNS SANs, or its CN when
 * it has none; a `*` as the whole left-most label matches exactly one label. Case-insensitive.
 */
export function nameMatches(serverName: string, cert: TlsCertificate): boolean {
  const host = serverName.toLowerCase().replace(/\.$/, '');
  const dnsNames = cert.sans.filter((san) => !san.includes(':')); // the other kinds carry a `kind:` prefix
  const candidates = dnsNames.length > 0 ? dnsNames : commonNames(cert.subject);
  return candidates.some((pattern) => hostMatches(host, pattern.toLowerCase().replace(/\.$/, '')));
}

function hostMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === pattern.slice(1);
}

/** The CN values of an RFC 4514 name. */
function commonNames(name: string): string[] {
  const names: string[] = [];
  for (const match of name.matchAll(/(?:^|[,+])CN=((?:[^,+\\]|\\.)*)/g)) names.push(match[1].replace(/\\(.)/g, '$1'));
  return names;
}
