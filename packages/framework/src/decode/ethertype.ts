import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeMpls } from './mpls.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodePppoeSession } from './pppoe.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;

/** Decodes the network layer that an EtherType announces (IP first: the common case). */
export function decodeByEthertype(type: number, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (type === ETHERTYPE_IPV4) return decodeIpv4(buf, offset, end, out);
  if (type === ETHERTYPE_IPV6) return decodeIpv6(buf, offset, end, out);
  if (type === ETHERTYPE_MPLS || type === ETHERTYPE_MPLS_MULTICAST) return decodeMpls(buf, offset, end, out);
  if (type === ETHERTYPE_PPPOE_SESSION) return decodePppoeSession(buf, offset, end, out);
  return DecodeStatus.NotIp;
}
