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
  /** cipher_suites in order (an SSLv2 hello's 3-byte kinds that map to a TLS suite, as that suite). */
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
export function parseClientHello(_body: Uint8Array): ClientHello | null {
  throw new Error('parseClientHello: not written yet');
}

/** A ServerHello from its handshake message body; null when malformed. */
export function parseServerHello(_body: Uint8Array): ServerHello | null {
  throw new Error('parseServerHello: not written yet');
}

/** An SSLv2-compatible ClientHello from its whole SSLv2 record (the 2-byte header included); null when malformed. */
export function parseSslv2ClientHello(_record: Uint8Array): ClientHello | null {
  throw new Error('parseSslv2ClientHello: not written yet');
}

/** RFC 8701's GREASE values (0x0a0a, 0x1a1a, ... 0xfafa). */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}
