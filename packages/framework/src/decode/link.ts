import { decodeBsdNull } from './bsd-null.js';
import { decodeCiscoHdlc, isCiscoHdlcAddress } from './cisco-hdlc.js';
import { decodeEthernet } from './ethernet.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { decodeNflog } from './nflog.js';
import { DecodeStatus, IPPROTO_TCP, type DecodedPacket } from './packet.js';
import { decodePpp } from './ppp.js';
import { decodePppoeSession } from './pppoe.js';
import { decodeRawIp } from './raw-ip.js';
import { decapsulate } from './tunnel.js';
import type { Frame } from '../sources/frame.js';

/** LINKTYPE_* values pakeana decodes. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

/**
 * Decodes a frame down to the network layer, filling `out` in place (no allocation), and on
 * through the tunnels it carries to the innermost IP packet.
 */
export function decodeLink(frame: Frame, out: DecodedPacket): DecodeStatus {
  out.reset();
  out.frameCut = frame.caplen < frame.wireLen;
  const status = decodeFirstNetworkLayer(frame.linkType, frame.data, frame.offset, frame.offset + frame.caplen, out);
  return status === DecodeStatus.Ok && out.protocol !== IPPROTO_TCP ? decapsulate(out) : status;
}

function decodeFirstNetworkLayer(linkType: number, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  switch (linkType) {
    case LinkType.ETHERNET:
      return decodeEthernet(buf, offset, end, out);
    case LinkType.LINUX_SLL:
      return decodeLinuxSll(buf, offset, end, out);
    case LinkType.LINUX_SLL2:
      return decodeLinuxSll2(buf, offset, end, out);
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeBsdNull(buf, offset, end, out);
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      return decodeRawIp(buf, offset, end, out);
    case LinkType.IPV4:
      return decodeIpv4(buf, offset, end, out);
    case LinkType.IPV6:
      return decodeIpv6(buf, offset, end, out);
    case LinkType.C_HDLC:
      return decodeCiscoHdlc(buf, offset, end, out);
    case LinkType.PPP:
      return decodePpp(buf, offset, end, out);
    case LinkType.PPP_HDLC:
      // PPP in HDLC-like framing, or Cisco HDLC: the first byte says which.
      return end > offset && isCiscoHdlcAddress(buf[offset]!) ? decodeCiscoHdlc(buf, offset, end, out) : decodePpp(buf, offset, end, out);
    case LinkType.PPP_ETHER:
      return decodePppoeSession(buf, offset, end, out);
    case LinkType.NFLOG:
      return decodeNflog(buf, offset, end, out);
    default:
      return DecodeStatus.UnsupportedLink;
  }
}
