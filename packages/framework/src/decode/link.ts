import { decodeBsdNull } from './bsd-null.js';
import { decodeEthernet } from './ethernet.js';
import { decodeRawIp } from './ethertype.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import type { Frame } from '../sources/frame.js';

/** LINKTYPE_* values pakeana decodes. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Decodes a frame down to the network layer, filling `out` in place (no allocation). */
export function decodeLink(frame: Frame, out: DecodedPacket): DecodeStatus {
  out.reset();
  out.frameCut = frame.caplen < frame.wireLen;
  const buf = frame.data;
  const offset = frame.offset;
  const end = offset + frame.caplen;
  switch (frame.linkType) {
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
    default:
      return DecodeStatus.UnsupportedLink;
  }
}
