import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

const AF_INET = 2;
/** AF_INET6 differs between systems: Linux 10, BSDs 24, FreeBSD 28, Darwin 30. */
const AF_INET6 = new Set([10, 24, 28, 30]);

/**
 * BSD loopback: a 4-byte address family. NULL writes it in the capturing host's byte order
 * (so either), LOOP in network order; both are accepted either way round.
 */
export function decodeBsdNull(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 4) return DecodeStatus.LinkError;
  const le = buf.readUInt32LE(offset);
  const family = le < 0x10000 ? le : buf.readUInt32BE(offset);
  if (family === AF_INET) return decodeIpv4(buf, offset + 4, end, out);
  if (AF_INET6.has(family)) return decodeIpv6(buf, offset + 4, end, out);
  return DecodeStatus.NotIp;
}
