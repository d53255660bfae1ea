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
function decodePppProtocol(protocol: number, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (protocol === PPP_IPV4) return decodeIpv4(buf, offset, end, out);
  if (protocol === PPP_IPV6) return decodeIpv6(buf, offset, end, out);
  if (protocol === PPP_MPLS || protocol === PPP_MPLS_MULTICAST) return decodeMpls(buf, offset, end, out);
  return DecodeStatus.NotIp;
}

/** The PPP protocol field, one byte when compressed (an odd first byte), then the packet. */
export function decodePppPayload(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 1) return DecodeStatus.LinkError;
  if (buf[offset]! & 1) return decodePppProtocol(buf[offset]!, buf, offset + 1, end, out);
  if (end - offset < 2) return DecodeStatus.LinkError;
  return decodePppProtocol(u16be(buf, offset), buf, offset + 2, end, out);
}

/** A PPP frame (LINKTYPE_PPP): the HDLC-like address and control bytes (0xff 0x03) when present (RFC 1662). */
export function decodePpp(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  const framed = end - offset >= 2 && buf[offset] === 0xff && buf[offset + 1] === 0x03;
  return decodePppPayload(buf, framed ? offset + 2 : offset, end, out);
}
