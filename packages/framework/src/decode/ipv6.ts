import { DecodeStatus, type DecodedPacket } from './packet.js';

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTHENTICATION = 51;
const DESTINATION_OPTIONS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;
const EXPERIMENT_1 = 253;
const EXPERIMENT_2 = 254;

/** IPv6 header at `offset` (RFC 8200) and its extension headers. */
export function decodeIpv6(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 40 || buf[offset]! >> 4 !== 6) return DecodeStatus.IpError;
  const payloadLength = buf.readUInt16BE(offset + 4);
  out.ipVersion = 6;
  out.ipOffset = offset;
  out.buf = buf;
  out.srcOffset = offset + 8;
  out.dstOffset = offset + 24;
  out.addrLen = 16;
  out.ttl = buf[offset + 7]!;
  // A zero payload length is a jumbogram (or a capture of one): take what was captured.
  const claimedEnd = offset + 40 + payloadLength;
  const payloadEnd = payloadLength === 0 || (!out.frameCut && claimedEnd > end) ? end : claimedEnd;
  return continueIpv6Chain(buf, offset + 40, buf[offset + 6]!, payloadEnd, end, out);
}

/**
 * Walks IPv6 extension headers from `offset`, where `next` is the header type found there,
 * up to the transport header. Used on the packet, and again on a reassembled payload.
 * `payloadEnd` is where the IP payload ends per the length field, `end` where capture stops.
 */
export function continueIpv6Chain(
  buf: Buffer,
  offset: number,
  next: number,
  payloadEnd: number,
  end: number,
  out: DecodedPacket,
): DecodeStatus {
  let at = offset;
  // Each header takes at least 8 bytes, so the packet's length bounds the walk.
  while (isExtensionHeader(next)) {
    if (end - at < 8) return DecodeStatus.IpError;
    const following = buf[at]!;
    if (next === FRAGMENT) {
      const field = buf.readUInt16BE(at + 2);
      out.fragmentOffset = field & 0xfff8;
      out.moreFragments = (field & 1) !== 0;
      out.isFragment = out.moreFragments || out.fragmentOffset > 0;
      out.fragmentId = buf.readUInt32BE(at + 4);
      at += 8;
      next = following;
      if (out.isFragment) break; // later headers are inside the fragmented part
      continue;
    }
    const length = next === AUTHENTICATION ? (buf[at + 1]! + 2) * 4 : (buf[at + 1]! + 1) * 8;
    at += length;
    next = following;
  }
  if (at > payloadEnd) return DecodeStatus.IpError;
  out.protocol = next;
  out.l4Offset = at;
  out.l4WireLength = payloadEnd - at;
  out.l4Length = Math.max(0, Math.min(payloadEnd, end) - at);
  return DecodeStatus.Ok;
}

/**
 * True for an IPv6 fragment whose fragmentable part starts with an extension header
 * (destination options...): its transport protocol is known only once it is reassembled.
 */
export function transportKnownAfterReassembly(pkt: DecodedPacket): boolean {
  return pkt.ipVersion === 6 && pkt.isFragment && isExtensionHeader(pkt.protocol);
}

function isExtensionHeader(type: number): boolean {
  return (
    type === HOP_BY_HOP ||
    type === ROUTING ||
    type === FRAGMENT ||
    type === DESTINATION_OPTIONS ||
    type === AUTHENTICATION ||
    type === MOBILITY ||
    type === HIP ||
    type === SHIM6 ||
    type === EXPERIMENT_1 ||
    type === EXPERIMENT_2
  );
}
