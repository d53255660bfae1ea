import { u16be } from './bytes.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

/**
 * IPv4 header at `offset` (RFC 791), options included. Fills addresses, protocol, transport
 * offset and lengths, and the fragment fields. `end` is where the captured bytes stop.
 */
export function decodeIpv4(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 20) return DecodeStatus.IpError;
  const versionIhl = buf[offset]!;
  const headerLength = (versionIhl & 0x0f) * 4;
  if (versionIhl >> 4 !== 4 || headerLength < 20 || end - offset < headerLength) return DecodeStatus.IpError;
  const totalLength = u16be(buf, offset + 2);
  if (totalLength < headerLength) return DecodeStatus.IpError;
  const flagsOffset = u16be(buf, offset + 6);
  out.ipVersion = 4;
  out.ipOffset = offset;
  out.buf = buf;
  out.srcOffset = offset + 12;
  out.dstOffset = offset + 16;
  out.addrLen = 4;
  out.ttl = buf[offset + 8]!;
  out.protocol = buf[offset + 9]!;
  out.l4Offset = offset + headerLength;
  out.l4WireLength = totalLength - headerLength;
  if (!out.frameCut && offset + totalLength > end) out.l4WireLength = end - out.l4Offset;
  // Ethernet pads short frames: bytes past the total length are not IP.
  out.l4Length = Math.min(out.l4WireLength, end - out.l4Offset);
  out.fragmentOffset = (flagsOffset & 0x1fff) * 8;
  out.moreFragments = (flagsOffset & 0x2000) !== 0;
  out.isFragment = out.moreFragments || out.fragmentOffset > 0;
  out.fragmentId = u16be(buf, offset + 4);
  return DecodeStatus.Ok;
}
