import type { ClientHello, ServerHello } from './hello.js';

/** JA3: MD5 (hex) of `version,ciphers,extensions,groups,pointFormats`, GREASE left out. */
export function ja3(_hello: ClientHello): string {
  throw new Error('ja3: not written yet');
}

/** JA3S: MD5 (hex) of `version,cipher,extensions`. */
export function ja3s(_hello: ServerHello): string {
  throw new Error('ja3s: not written yet');
}

/** JA4 (FoxIO's definition) of a ClientHello over TCP. */
export function ja4(_hello: ClientHello): string {
  throw new Error('ja4: not written yet');
}

/** JA4S of a ServerHello over TCP. */
export function ja4s(_hello: ServerHello): string {
  throw new Error('ja4s: not written yet');
}
