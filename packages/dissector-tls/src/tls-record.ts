import { lazySchema } from '@pakeana/framework';
import type { z } from 'zod';

/**
 * The record the TLS dissector emits: one handshake (the connection's first, and one per
 * renegotiation seen in clear), emitted when the next handshake starts or the session ends.
 * Field names follow Zeek's ssl.log where it has one, camelCased as the HTTP record's
 * (`server_name` is `serverName`, `next_protocol` is `nextProtocol`), and tshark's `tls.*`
 * fields elsewhere. The schema is the one source of the record's shape: `TlsHandshake` is its
 * type, `pakeana plugins records` prints it, `record:` triggers check field names against it,
 * and docs/records.md is generated from it. Built on first use (a run does not load zod).
 * What the hellos alone give (fingerprints, lists of names) comes last: the record computes it
 * when it is read (see HandshakeRecord).
 */
export const tlsRecordSchema = lazySchema((z) => {
  const text = (meaning: string) => z.string().nullable().describe(meaning);
  const time = (meaning: string) => z.number().nullable().describe(meaning);
  const names = (meaning: string) => z.array(z.string()).describe(meaning);
  const side = z.enum(['client', 'server']);
  const certificate = z
    .object({
      subject: z.string().describe('subject distinguished name as Zeek writes it (RFC 4514: `CN=example.com,O=Example,C=US`)'),
      issuer: z.string().describe('issuer distinguished name, as subject'),
      sans: names('subject alternative names: DNS names as they are, addresses as `IP:192.0.2.1`, others with their type (`email:...`, `URI:...`)'),
      serial: z.string().describe('serial number, hexadecimal, upper case'),
      notBefore: z.string().describe('start of validity, ISO 8601 UTC (`2026-01-02T00:00:00.000Z`)'),
      notAfter: z.string().describe('end of validity, ISO 8601 UTC'),
      keyType: z.string().nullable().describe('public key algorithm (`rsa`, `ec`, `ed25519`, `dsa`, ...), or null when Node cannot read it'),
      keyBits: z.number().int().nullable().describe('key size in bits (RSA/DSA modulus, EC curve size), or null'),
      keyCurve: z.string().nullable().describe('named curve of an EC key (`prime256v1`), or null'),
      sha256: z.string().describe('SHA-256 fingerprint of the DER certificate, lower-case hex without separators (Zeek\'s cert_chain_fps)'),
      selfSigned: z.boolean().describe('issuer equals subject and the certificate\'s own key verifies its signature'),
    })
    .strict();
  const alert = z
    .object({
      from: side.describe('the side that sent it'),
      time: z.number().describe('capture time, seconds since the epoch'),
      level: z.enum(['warning', 'fatal']).nullable().describe('level, or null for an encrypted alert (after ChangeCipherSpec; in TLS 1.2 almost always close_notify)'),
      description: text('description as the RFC names it (`handshake_failure`, `close_notify`, `unknown(200)`), or null when encrypted'),
    })
    .strict();
  return z
    .object({
      version: text('negotiated version as Zeek names it (`SSLv2`, `SSLv3`, `TLSv10`, `TLSv11`, `TLSv12`, `TLSv13`, `TLSv13-draft23`, `unknown-0x7e02`): the ServerHello\'s, from supported_versions in TLS 1.3; null without a ServerHello'),
      cipher: text('cipher suite the server chose, by its IANA name (`TLS_AES_128_GCM_SHA256`; unknown ones `unknown-0x1234`), or null'),
      curve: text('key exchange group: the server\'s key_share (TLS 1.3) or ServerKeyExchange named curve (ECDHE), as IANA names it (`x25519`, `secp256r1`), or null'),
      serverName: text('server name the client asked for (SNI), or null'),
      resumed: z.boolean().describe('the server resumed a session: it echoed the client\'s session id (up to TLS 1.2) or accepted a pre-shared key (TLS 1.3)'),
      lastAlert: text('description of the last alert seen in clear, or null'),
      nextProtocol: text('application protocol the server chose (ALPN), or null'),
      established: z.boolean().describe('the handshake finished: both sides sent ChangeCipherSpec (up to TLS 1.2) or application data after the ServerHello (TLS 1.3)'),
      subject: text('subject of the server\'s certificate (the first of its chain), or null when not seen (TLS 1.3 encrypts it)'),
      issuer: text('issuer of the server\'s certificate, or null'),
      sniMatchesCert: z.boolean().nullable().describe('the server name matches the server certificate\'s SANs (or its CN without SANs; wildcards one label deep), or null without both'),
      clientVersion: text('legacy version field of the ClientHello (`TLSv12` in every TLS 1.3 hello), or null'),
      alpn: names('application protocols the client offered (ALPN), in its order'),
      resumption: z
        .array(z.enum(['session-id', 'ticket', 'psk']))
        .describe('ways the client tried to resume: a non-empty session id (a TLS 1.3 hello\'s id is for middleboxes and does not count), a session_ticket with data, a pre_shared_key'),
      helloRetryRequest: z.boolean().describe('the server answered with a HelloRetryRequest (TLS 1.3) and the client sent a second ClientHello'),
      sslv2Hello: z.boolean().describe('the ClientHello came in the SSLv2-compatible format'),
      renegotiation: z.boolean().describe('a handshake after the connection\'s first one (a renegotiation seen in clear)'),
      certificates: z.array(certificate).describe('the server\'s certificate chain as sent, leaf first (empty when not seen: TLS 1.3, resumption, lost); its length is the chain length'),
      clientCertificates: z.array(certificate).describe('the client\'s certificate chain, when it sent one in clear'),
      alerts: z.array(alert).describe('alerts in capture order'),
      clientHelloTime: time('capture time of the ClientHello, seconds since the epoch, or null'),
      serverHelloTime: time('capture time of the ServerHello, or null'),
      clientDataTime: time('capture time of the client\'s first application data record (in TLS 1.3 its first encrypted record, which carries its Finished), or null'),
      serverDataTime: time('capture time of the server\'s first application data record, or null'),
      ja3: text('JA3 fingerprint of the ClientHello (MD5 of its string, GREASE values left out), or null'),
      ja3s: text('JA3S fingerprint of the ServerHello, or null'),
      ja4: text('JA4 fingerprint of the ClientHello (FoxIO\'s definition, `t13d1516h2_8daaf6152771_e5627efa2ab1`), or null'),
      ja4s: text('JA4S fingerprint of the ServerHello, or null'),
      clientVersions: names('versions the client offered in supported_versions, GREASE left out (empty without the extension)'),
      clientCiphers: names('cipher suites the client offered, IANA names, in its order, GREASE left out'),
      clientExtensions: names('extensions the client sent, by IANA name (`server_name`, `unknown-65281`), in its order, GREASE left out'),
      serverExtensions: names('extensions of the ServerHello, as clientExtensions'),
    })
    .strict();
});

/** One TLS handshake: the TLS record (see `tlsRecordSchema`). */
export type TlsHandshake = z.output<ReturnType<typeof tlsRecordSchema>>;
/** One certificate of a chain, as the TLS record gives it. */
export type TlsCertificate = TlsHandshake['certificates'][number];
/** One alert, as the TLS record gives it. */
export type TlsAlert = TlsHandshake['alerts'][number];
