import { u16be } from './bytes.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeMpls } from './mpls.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const PPP_MPLS = 0x0281;
const PPP_MPLS_MULTICAST = 0x0283;

/** What a PPP protocol number announces (RFC 1661). */
export function decodePppProtocol(protocol: number, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (protocol === PPP_IPV4) return decodeIpv4(buf, offset, end, out);
  if (protocol === PPP_IPV6) return decodeIpv6(buf, offset, end, out);
  if (protocol === PPP_MPLS || protocol === PPP_MPLS_MULTICAST) return decodeMpls(buf, offset, end, out);
  return DecodeStatus.NotIp;
}

/**
 * A PPP frame (LINKTYPE_PPP): the HDLC-like address and control bytes (0xff 0x03) when present
 * (RFC 1662), then the protocol field, one byte when compressed (an odd first byte).
 */
export function decodePpp(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  let at = offset;
  if (end - at >= 2 && buf[at] === 0xff && buf[at + 1] === 0x03) at += 2;
  if (end - at < 1) return DecodeStatus.LinkError;
  if (buf[at]! & 1) return decodePppProtocol(buf[at]!, buf, at + 1, end, out);
  if (end - at < 2) return DecodeStatus.LinkError;
  return decodePppProtocol(u16be(buf, at), buf, at + 2, end, out);
}
