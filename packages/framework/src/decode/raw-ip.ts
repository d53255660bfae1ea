import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

/** Raw IP: the version nibble says which. */
export function decodeRawIp(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end <= offset) return DecodeStatus.IpError;
  const version = buf[offset]! >> 4;
  if (version === 4) return decodeIpv4(buf, offset, end, out);
  if (version === 6) return decodeIpv6(buf, offset, end, out);
  return DecodeStatus.IpError;
}
