/**
 * TLS bytes for the tests: records, handshake messages and hellos built field by field
 * (RFC 8446, RFC 5246, RFC 6101 E.1). Not shipped (`*.test.*`), not a test file itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (body: Buffer) => Buffer.concat([u8(body.length), body]);
const vec16 = (body: Buffer) => Buffer.concat([u16(body.length), body]);
const vec24 = (body: Buffer) => Buffer.concat([u24(body.length), body]);
const list16 = (values: readonly number[]) => Buffer.concat(values.map(u16));

export const TLS10 = 0x0301;
export const TLS12 = 0x0303;
export const TLS13 = 0x0304;
/** RFC 8446 4.1.3: the random of a HelloRetryRequest. */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export function record(type: number, body: Buffer, version = TLS12): Buffer {
  return Buffer.concat([u8(type), u16(version), u16(body.length), body]);
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([u8(type), u24(body.length), body]);
}

export function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), vec16(data)]);
}

export const ext = {
  serverName: (name: string) => extension(0, vec16(Buffer.concat([u8(0), vec16(Buffer.from(name))]))),
  alpn: (protocols: string[]) => extension(16, vec16(Buffer.concat(protocols.map((p) => vec8(Buffer.from(p)))))),
  supportedVersions: (versions: number[]) => extension(43, vec8(list16(versions))),
  supportedGroups: (groups: number[]) => extension(10, vec16(list16(groups))),
  pointFormats: () => extension(11, vec8(Buffer.from([0]))),
  clientKeyShare: (group: number) => extension(51, vec16(Buffer.concat([u16(group), vec16(Buffer.alloc(32, 7))]))),
  sessionTicket: (ticket: Buffer) => extension(35, ticket),
  selectedVersion: (version: number) => extension(43, u16(version)),
  serverKeyShare: (group: number) => extension(51, Buffer.concat([u16(group), vec16(Buffer.alloc(32, 9))])),
  retryKeyShare: (group: number) => extension(51, u16(group)),
  serverAlpn: (protocol: string) => extension(16, vec16(vec8(Buffer.from(protocol)))),
};

export interface ClientHelloSpec {
  version?: number;
  sessionId?: Buffer;
  ciphers?: number[];
  extensions?: Buffer[];
}

export function clientHello(spec: ClientHelloSpec = {}): Buffer {
  const body = Buffer.concat([
    u16(spec.version ?? TLS12),
    Buffer.alloc(32, 1),
    vec8(spec.sessionId ?? Buffer.alloc(0)),
    vec16(list16(spec.ciphers ?? [0xc02f, 0x009c])),
    vec8(Buffer.from([0])),
    vec16(Buffer.concat(spec.extensions ?? [])),
  ]);
  return handshake(1, body);
}

export interface ServerHelloSpec {
  version?: number;
  random?: Buffer;
  sessionId?: Buffer;
  cipher?: number;
  extensions?: Buffer[];
}

export function serverHello(spec: ServerHelloSpec = {}): Buffer {
  const body = Buffer.concat([
    u16(spec.version ?? TLS12),
    spec.random ?? Buffer.alloc(32, 2),
    vec8(spec.sessionId ?? Buffer.alloc(0)),
    u16(spec.cipher ?? 0xc02f),
    u8(0),
    vec16(Buffer.concat(spec.extensions ?? [])),
  ]);
  return handshake(2, body);
}

export function certificate(ders: Buffer[]): Buffer {
  return handshake(11, vec24(Buffer.concat(ders.map(vec24))));
}

/** An ECDHE ServerKeyExchange: named curve `group`, a point, a signature. */
export function serverKeyExchange(group: number): Buffer {
  return handshake(12, Buffer.concat([u8(3), u16(group), vec8(Buffer.alloc(65, 4)), u16(0x0403), vec16(Buffer.alloc(70, 5))]));
}

export const serverHelloDone = () => handshake(14, Buffer.alloc(0));
export const clientKeyExchange = () => handshake(16, vec8(Buffer.alloc(65, 6)));
export const changeCipherSpec = () => record(20, Buffer.from([1]));
export const alert = (level: number, description: number) => record(21, Buffer.from([level, description]));
/** An encrypted record of a type (Finished, application data, an encrypted alert). */
export const encrypted = (type: number, length: number) => record(type, Buffer.alloc(length, 0xee));

/** An SSLv2-compatible CLIENT-HELLO record offering `version` and 3-byte cipher kinds. */
export function sslv2ClientHello(version: number, kinds: number[]): Buffer {
  const specs = Buffer.concat(kinds.map(u24));
  const challenge = Buffer.alloc(16, 3);
  const body = Buffer.concat([u8(1), u16(version), u16(specs.length), u16(0), u16(challenge.length), specs, challenge]);
  return Buffer.concat([u16(0x8000 | body.length), body]);
}

/** A certificate made with openssl for the tests (test/fixtures/README.md says how). */
export function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, '..', 'test', 'fixtures', name));
}
