/**
 * ClientHello and ServerHello bodies (RFC 8446 4.1.2-4.1.4, RFC 5246 7.4.1; the SSLv2-compatible
 * ClientHello of RFC 6101 E.1): the fields the TLS record and the fingerprints need, with
 * numeric lists as sent (GREASE values included: the fingerprints and the record drop them).
 */

/** What a ClientHello offers. */
export interface ClientHello {
  /** legacy_version (0x0303 in every TLS 1.3 hello; 0x0002 for an SSLv2 hello that offers SSLv2 only). */
  version: number;
  /** legacy_session_id, lower-case hex ('' when empty). */
  sessionId: string;
  /**
   * cipher_suites in order. An SSLv2 hello's 3-byte kinds: those that map to a TLS suite (first
   * byte 0) as that suite, pure SSLv2 kinds as their 3-byte value (0x010080), as Zeek keeps them.
   */
  ciphers: number[];
  /** Extension types in order. */
  extensions: number[];
  /** server_name (host_name), or null. */
  serverName: string | null;
  /** application_layer_protocol_negotiation protocol names, in order. */
  alpn: string[];
  /** supported_versions, in order. */
  supportedVersions: number[];
  /** supported_groups (elliptic_curves), in order. */
  groups: number[];
  /** ec_point_formats, in order. */
  pointFormats: number[];
  /** signature_algorithms, in order. */
  signatureAlgorithms: number[];
  /** A session_ticket extension with a ticket in it. */
  ticket: boolean;
  /** A pre_shared_key extension. */
  psk: boolean;
  /** It came in the SSLv2-compatible format. */
  sslv2: boolean;
}

/** What a ServerHello (or a HelloRetryRequest) chose. */
export interface ServerHello {
  /** legacy_version. */
  version: number;
  /** The version from supported_versions (TLS 1.3), or null without the extension. */
  selectedVersion: number | null;
  cipher: number;
  /** legacy_session_id_echo, lower-case hex. */
  sessionId: string;
  /** Extension types in order. */
  extensions: number[];
  /** The ALPN protocol chosen, or null. */
  alpn: string | null;
  /** The key_share group (TLS 1.3; a HelloRetryRequest's asks for it), or null. */
  keyShareGroup: number | null;
  /** A pre_shared_key extension: the server accepted a PSK. */
  psk: boolean;
  /** The random is RFC 8446's HelloRetryRequest value. */
  helloRetry: boolean;
}

/** A ClientHello from its handshake message body (after the 4-byte header); null when malformed. */
export function parseClientHello(body: Uint8Array): ClientHello | null {
  const c = new Cursor(body);
  const version = c.u16();
  c.skip(RANDOM_LENGTH);
  const sessionId = c.vector(1);
  const suites = c.vector(2);
  const compression = c.vector(1);
  if (!c.ok || sessionId.remaining > MAX_SESSION_ID || compression.remaining === 0) return null;
  const ciphers = u16s(suites);
  if (ciphers === null) return null;
  const hello = clientHello(version, hex(sessionId.rest()), ciphers, false);
  return readExtensions(c, hello.extensions, (type, data) => clientExtension(hello, type, data)) ? hello : null;
}

/** A ServerHello from its handshake message body; null when malformed. */
export function parseServerHello(body: Uint8Array): ServerHello | null {
  const c = new Cursor(body);
  const version = c.u16();
  const helloRetry = equalBytes(c.take(RANDOM_LENGTH), HELLO_RETRY_RANDOM);
  // TLS 1.3 drafts up to 21 put their version here and sent neither a session id nor a compression method.
  const draft = version >> 8 === 0x7f;
  const sessionId = draft ? new Cursor(EMPTY) : c.vector(1);
  const cipher = c.u16();
  if (!draft) c.skip(1);
  if (!c.ok || sessionId.remaining > MAX_SESSION_ID) return null;
  const hello: ServerHello = {
    version,
    selectedVersion: null,
    cipher,
    sessionId: hex(sessionId.rest()),
    extensions: [],
    alpn: null,
    keyShareGroup: null,
    psk: false,
    helloRetry,
  };
  return readExtensions(c, hello.extensions, (type, data) => serverExtension(hello, type, data)) ? hello : null;
}

/** An SSLv2-compatible ClientHello from its whole SSLv2 record (the 2-byte header included); null when malformed. */
export function parseSslv2ClientHello(record: Uint8Array): ClientHello | null {
  const header = new Cursor(record);
  const length = header.u16();
  if (!header.ok || (length & 0x8000) === 0) return null;
  const c = new Cursor(header.take(length & 0x7fff));
  const type = c.u8();
  const version = c.u16();
  const specsLength = c.u16();
  const sessionIdLength = c.u16();
  const challengeLength = c.u16();
  const specs = c.take(specsLength);
  const sessionId = c.take(sessionIdLength);
  c.skip(challengeLength);
  if (!c.ok || type !== SSLV2_CLIENT_HELLO || specs.length % 3 !== 0 || sessionId.length > MAX_SESSION_ID) return null;
  const ciphers: number[] = [];
  for (let i = 0; i < specs.length; i += 3) {
    // A kind whose first byte is 0 is a TLS suite; pure SSLv2 kinds keep their 3-byte value (0x010080), as Zeek does.
    ciphers.push((specs[i]! << 16) | (specs[i + 1]! << 8) | specs[i + 2]!);
  }
  return clientHello(version, hex(sessionId), ciphers, true);
}

/** RFC 8701's GREASE values (0x0a0a, 0x1a1a, ... 0xfafa). */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/** A ClientHello with what every format has; the extensions fill in the rest. */
export function clientHello(version: number, sessionId: string, ciphers: number[], sslv2: boolean): ClientHello {
  return {
    version,
    sessionId,
    ciphers,
    extensions: [],
    serverName: null,
    alpn: [],
    supportedVersions: [],
    groups: [],
    pointFormats: [],
    signatureAlgorithms: [],
    ticket: false,
    psk: false,
    sslv2,
  };
}

const RANDOM_LENGTH = 32;
const MAX_SESSION_ID = 32;
const SSLV2_CLIENT_HELLO = 1;
const EMPTY = new Uint8Array(0);
/** RFC 8446 4.1.3: SHA-256 of "HelloRetryRequest", the random of a HelloRetryRequest. */
const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/** Extension numbers this module reads (RFC 8446 4.2 and older RFCs). */
const EXT = {
  serverName: 0,
  supportedGroups: 10,
  pointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  sessionTicket: 35,
  preSharedKey: 41,
  supportedVersions: 43,
  /** key_share's number in TLS 1.3 drafts before 23. */
  keyShareDraft: 40,
  keyShare: 51,
} as const;

/**
 * Reads the optional extensions block that ends a hello, recording each type and handing its
 * data to `read` (false: malformed). A hello without the block (TLS 1.0 and older) has none;
 * bytes after the block mean a length lies.
 */
function readExtensions(c: Cursor, types: number[], read: (type: number, data: Cursor) => boolean): boolean {
  if (c.remaining === 0) return true;
  const block = c.vector(2);
  while (block.ok && block.remaining > 0) {
    const type = block.u16();
    const data = block.vector(2);
    if (!block.ok) return false;
    types.push(type);
    if (!read(type, data)) return false;
  }
  return block.ok && c.done;
}

function clientExtension(hello: ClientHello, type: number, data: Cursor): boolean {
  switch (type) {
    case EXT.serverName:
      return readServerName(hello, data);
    case EXT.supportedGroups:
      return assign(u16s(data.vector(2)), (list) => (hello.groups = list)) && data.done;
    case EXT.pointFormats:
      hello.pointFormats = Array.from(data.vector(1).rest());
      return data.done;
    case EXT.signatureAlgorithms:
      return assign(u16s(data.vector(2)), (list) => (hello.signatureAlgorithms = list)) && data.done;
    case EXT.alpn:
      return assign(protocolNames(data.vector(2)), (list) => (hello.alpn = list)) && data.done;
    case EXT.sessionTicket:
      hello.ticket = data.remaining > 0;
      return true;
    case EXT.preSharedKey:
      hello.psk = true;
      return true;
    case EXT.supportedVersions:
      return assign(u16s(data.vector(1)), (list) => (hello.supportedVersions = list)) && data.done;
    default:
      return true;
  }
}

function serverExtension(hello: ServerHello, type: number, data: Cursor): boolean {
  switch (type) {
    case EXT.alpn: {
      const names = protocolNames(data.vector(2));
      hello.alpn = names?.[0] ?? null;
      return names !== null && names.length === 1 && data.done;
    }
    case EXT.preSharedKey:
      hello.psk = true;
      return true;
    case EXT.supportedVersions:
      hello.selectedVersion = data.u16();
      return data.done;
    case EXT.keyShare:
    case EXT.keyShareDraft:
      // A ServerHello's KeyShareEntry starts with its group; a HelloRetryRequest's is the group alone.
      hello.keyShareGroup = data.u16();
      return data.ok;
    default:
      return true;
  }
}

/** server_name (RFC 6066 3): the first host_name of the list; a ServerHello's is empty. */
function readServerName(hello: ClientHello, data: Cursor): boolean {
  if (data.remaining === 0) return true;
  const list = data.vector(2);
  while (list.ok && list.remaining > 0) {
    const nameType = list.u8();
    const name = list.vector(2);
    if (list.ok && nameType === 0 && hello.serverName === null) hello.serverName = latin1(name.rest());
  }
  return list.ok && data.done;
}

/** A list of 2-byte numbers filling the cursor; null when it does not divide evenly or is cut. */
function u16s(c: Cursor): number[] | null {
  if (!c.ok || c.remaining % 2 !== 0) return null;
  const values: number[] = [];
  while (c.remaining > 0) values.push(c.u16());
  return values;
}

/** ALPN's ProtocolNameList (RFC 7301 3.1): non-empty names, byte for byte. */
function protocolNames(c: Cursor): string[] | null {
  const names: string[] = [];
  while (c.ok && c.remaining > 0) {
    const name = c.vector(1);
    if (name.remaining === 0) return null;
    names.push(latin1(name.rest()));
  }
  return c.ok ? names : null;
}

function assign<T>(value: T | null, set: (value: T) => void): boolean {
  if (value === null) return false;
  set(value);
  return true;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Bytes as one character each, so a name's bytes survive whatever they are. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * A bounds-checked reader over bytes[start, end): a read past the end yields zeros and clears
 * `ok` instead of throwing, so a parser reads straight through and checks `ok` once.
 */
class Cursor {
  ok = true;
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Read without failing and nothing left over. */
  get done(): boolean {
    return this.ok && this.pos === this.end;
  }

  u8(): number {
    return this.claim(1) ? this.bytes[this.pos - 1]! : 0;
  }

  u16(): number {
    return this.claim(2) ? (this.bytes[this.pos - 2]! << 8) | this.bytes[this.pos - 1]! : 0;
  }

  skip(length: number): void {
    this.claim(length);
  }

  take(length: number): Uint8Array {
    return this.claim(length) ? this.bytes.subarray(this.pos - length, this.pos) : EMPTY;
  }

  /** The rest of the bytes, consumed. */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /** A length-prefixed vector (RFC 8446 3.4) as its own cursor; a failed one when the length lies. */
  vector(lengthBytes: 1 | 2): Cursor {
    const length = lengthBytes === 1 ? this.u8() : this.u16();
    if (!this.claim(length)) {
      const failed = new Cursor(EMPTY);
      failed.ok = false;
      return failed;
    }
    return new Cursor(this.bytes, this.pos - length, this.pos);
  }

  private claim(length: number): boolean {
    if (!this.ok || length > this.end - this.pos) {
      this.ok = false;
      this.pos = this.end;
      return false;
    }
    this.pos += length;
    return true;
  }
}
