import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodeRawIp } from './raw-ip.js';

const NFULA_PAYLOAD = 9;

/**
 * Linux NFLOG (LINKTYPE_NFLOG): a 4-byte header (family, version 0, group), then TLVs whose
 * length and type are in the byte order of the host that captured (tried little-endian first);
 * the packet is the payload TLV's value, raw IP.
 */
export function decodeNflog(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 4 || buf[offset + 1] !== 0) return DecodeStatus.LinkError;
  const inLittleEndian = findPayload(buf, offset + 4, end, true);
  const littleEndian = inLittleEndian >= 0;
  const at = littleEndian ? inLittleEndian : findPayload(buf, offset + 4, end, false);
  if (at < 0) return DecodeStatus.NotIp;
  return decodeRawIp(buf, at + 4, at + tlvWord(buf, at, littleEndian), out);
}

function tlvWord(buf: Buffer, at: number, littleEndian: boolean): number {
  return littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
}

/** Offset of the payload TLV, or -1 when the TLVs do not add up in this byte order. */
function findPayload(buf: Buffer, offset: number, end: number, littleEndian: boolean): number {
  for (let at = offset; end - at >= 4; ) {
    const length = tlvWord(buf, at, littleEndian);
    const type = tlvWord(buf, at + 2, littleEndian);
    if (length < 4 || at + length > end) return -1;
    if ((type & 0x3fff) === NFULA_PAYLOAD) return at; // the top two bits are netlink flags
    at += (length + 3) & ~3;
  }
  return -1;
}
