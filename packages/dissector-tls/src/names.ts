/**
 * IANA's names for TLS numbers (the TLS parameters registry), as Zeek and tshark print them.
 */

/** A protocol version as Zeek names it: `SSLv3`, `TLSv12`, `TLSv13-draft23`, `unknown-0x7e02`. */
export function versionName(_version: number): string {
  throw new Error('versionName: not written yet');
}

/** A cipher suite's IANA name (`TLS_AES_128_GCM_SHA256`), or `unknown-0x1234`. */
export function cipherName(_suite: number): string {
  throw new Error('cipherName: not written yet');
}

/** An extension's IANA name (`server_name`), or `unknown-65281`. */
export function extensionName(_type: number): string {
  throw new Error('extensionName: not written yet');
}

/** A supported group's IANA name (`x25519`, `secp256r1`), or `unknown-0x1234`. */
export function groupName(_group: number): string {
  throw new Error('groupName: not written yet');
}

/** An alert description as the RFC names it (`handshake_failure`), or `unknown(200)`. */
export function alertDescription(_code: number): string {
  throw new Error('alertDescription: not written yet');
}
