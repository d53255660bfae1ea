import type { Direction, ProbeResult } from '@pakeana/framework';
import { APPLICATION_DATA, HANDSHAKE, MAX_RECORD_LENGTH } from './record-layer.js';

/** The head probes are given (the framework's 1 KiB): a record that runs past it is taken on its header. */
const PROBE_HEAD = 1024;
/** The shortest hello body: a ServerHello's version, random, empty session id, suite and compression. */
const MIN_HELLO = 38;

/**
 * Content detection on a direction's first bytes: a TLS handshake record that starts with a
 * ClientHello or a ServerHello (from either side: the session swaps roles guessed wrong), an
 * SSLv2 CLIENT-HELLO or SERVER-HELLO, or, for a capture begun mid-connection, application
 * data records whose headers follow one another. Each byte is checked as it arrives, so that
 * anything else is refused at its first bytes.
 */
export function probeTls(_dir: Direction, head: Uint8Array): ProbeResult {
  if (head.length === 0) return 'more';
  if (head[0] & 0x80) return probeSslv2(head);
  const header = recordHeader(head, 0);
  if (header !== 'valid') return header;
  if (head[0] === HANDSHAKE) return probeHello(head);
  if (head[0] !== APPLICATION_DATA) return 'no';
  const next = 5 + ((head[3] << 8) | head[4]);
  if (next >= PROBE_HEAD) return 'yes';
  const following = recordHeader(head, next);
  return following === 'valid' ? 'yes' : following;
}

/** A plausible record header at `head[at]`, byte by byte: 'valid', 'no', or 'more' (too few bytes). */
function recordHeader(head: Uint8Array, at: number): ProbeResult | 'valid' {
  const checks: ((byte: number) => boolean)[] = [
    (type) => type >= 20 && type <= 24,
    (major) => major === 3,
    (minor) => minor <= 4,
  ];
  for (let i = 0; i < checks.length; i++) {
    if (at + i >= head.length) return 'more';
    if (!checks[i](head[at + i])) return 'no';
  }
  if (at + 5 > head.length) return 'more';
  const length = (head[at + 3] << 8) | head[at + 4];
  return length > 0 && length <= MAX_RECORD_LENGTH ? 'valid' : 'no';
}

/** A ClientHello (1) or ServerHello (2) of a plausible length, with a version of major 3 (or a TLS 1.3 draft's 0x7f). */
function probeHello(head: Uint8Array): ProbeResult {
  if (head.length < 10) return head.length > 5 && head[5] !== 1 && head[5] !== 2 ? 'no' : 'more';
  const length = (head[6] << 16) | (head[7] << 8) | head[8];
  return (head[5] === 1 || head[5] === 2) && length >= MIN_HELLO && (head[9] === 3 || head[9] === 0x7f) ? 'yes' : 'no';
}

/**
 * An SSLv2 record (2-byte header, high bit set) holding a CLIENT-HELLO (1) that offers SSLv2
 * or SSLv3 and up, or a SERVER-HELLO (4) of SSLv2 with an X.509 certificate.
 */
function probeSslv2(head: Uint8Array): ProbeResult {
  if (head.length < 7) return 'more';
  const length = ((head[0] & 0x7f) << 8) | head[1];
  const version = (head[3] << 8) | head[4];
  if (head[2] === 1) {
    const specs = (head[5] << 8) | head[6];
    const sslVersion = version === 0x0002 || (version >> 8 === 3 && (version & 0xff) <= 4);
    return sslVersion && specs > 0 && specs % 3 === 0 && length >= 9 + specs ? 'yes' : 'no';
  }
  if (head[2] === 4) return head[3] <= 1 && head[4] === 1 && ((head[5] << 8) | head[6]) === 0x0002 ? 'yes' : 'no';
  return 'no';
}
