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

// Read once: per packet, a property read through the compiled module's exports costs more.
const OK = DecodeStatus.Ok;
const TCP = IPPROTO_TCP;

/**
 * Decodes a frame down to the network layer, filling `out` in place (no allocation), and on
 * through the tunnels it carries to the innermost IP packet.
 */
export function decodeLink(frame: Frame, out: DecodedPacket): DecodeStatus {
  out.reset();
  out.frameCut = frame.caplen < frame.wireLen;
  const buf = frame.data;
  const offset = frame.offset;
  const end = offset + frame.caplen;
  // One switch and one check after it, inline: this runs for every packet.
  let status: DecodeStatus;
  switch (frame.linkType) {
    case LinkType.ETHERNET:
      status = decodeEthernet(buf, offset, end, out);
      break;
    case LinkType.LINUX_SLL:
      status = decodeLinuxSll(buf, offset, end, out);
      break;
    case LinkType.LINUX_SLL2:
      status = decodeLinuxSll2(buf, offset, end, out);
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      status = decodeBsdNull(buf, offset, end, out);
      break;
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      status = decodeRawIp(buf, offset, end, out);
      break;
    case LinkType.IPV4:
      status = decodeIpv4(buf, offset, end, out);
      break;
    case LinkType.IPV6:
      status = decodeIpv6(buf, offset, end, out);
      break;
    case LinkType.C_HDLC:
      status = decodeCiscoHdlc(buf, offset, end, out);
      break;
    case LinkType.PPP:
      status = decodePpp(buf, offset, end, out);
      break;
    case LinkType.PPP_HDLC:
      // PPP in HDLC-like framing, or Cisco HDLC: the first byte says which.
      status = end > offset && isCiscoHdlcAddress(buf[offset]!) ? decodeCiscoHdlc(buf, offset, end, out) : decodePpp(buf, offset, end, out);
      break;
    case LinkType.PPP_ETHER:
      status = decodePppoeSession(buf, offset, end, out);
      break;
    case LinkType.NFLOG:
      status = decodeNflog(buf, offset, end, out);
      break;
    default:
      return DecodeStatus.UnsupportedLink;
  }
  return status === OK && out.protocol !== TCP ? decapsulate(out) : status;
}
