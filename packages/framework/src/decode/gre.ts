import { u16be, u32be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeErspan, GRE_ERSPAN, GRE_ERSPAN_3 } from './erspan.js';
import { decodeTunnelPayload } from './ethernet.js';
import { decodeIpv4 } from './ipv4.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

const CHECKSUM = 0x8000;
const ROUTING = 0x4000;
const KEY = 0x2000;
const SEQUENCE = 0x1000;
const VERSION = 0x0007;
/** Cisco WCCP redirection: IPv4, behind a 4-byte redirect header in WCCP version 2. */
const GRE_WCCP = 0x883e;

/**
 * GRE (RFC 2784, RFC 2890; RFC 1701's source routes skipped): the optional checksum, key and
 * sequence number, then what the protocol type announces (IP, MPLS, Ethernet with 0x6558,
 * ERSPAN, WCCP). Version 1 (PPTP's enhanced GRE) carries PPP, mostly encrypted: not decoded.
 */
export function decodeGre(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 4) return DecodeStatus.LinkError;
  const flags = u16be(buf, offset);
  if ((flags & VERSION) !== 0) return DecodeStatus.NotIp;
  const protocol = u16be(buf, offset + 2);
  let at = offset + 4;
  if (flags & (CHECKSUM | ROUTING)) at += 4;
  let key = -1;
  if (flags & KEY) {
    if (end - at < 4) return DecodeStatus.LinkError;
    key = u32be(buf, at);
    at += 4;
  }
  if (flags & SEQUENCE) at += 4;
  if (flags & ROUTING) at = skipSourceRoutes(buf, at, end);
  if (at < 0 || at > end) return DecodeStatus.LinkError;
  if (protocol === GRE_ERSPAN || protocol === GRE_ERSPAN_3) return decodeErspan((flags & SEQUENCE) !== 0, buf, at, end, out);
  if (!pushTunnel(out, LayerKind.Gre, key)) return DecodeStatus.LinkError;
  if (protocol === GRE_WCCP) return decodeIpv4(buf, at < end && buf[at]! >> 4 === 4 ? at : at + 4, end, out);
  return decodeTunnelPayload(protocol, buf, at, end, out);
}

/** RFC 1701 source route entries, up to the empty one; the offset after it, or -1 when cut. */
function skipSourceRoutes(buf: Buffer, offset: number, end: number): number {
  let at = offset;
  for (;;) {
    if (end - at < 4) return -1;
    const length = buf[at + 3]!;
    at += 4 + length;
    if (length === 0 && u16be(buf, at - 4) === 0) return at;
  }
}
