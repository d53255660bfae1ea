import { decodeByEthertype } from './ethertype.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 16-byte header, protocol at 14). */
export function decodeLinuxSll(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 16) return DecodeStatus.LinkError;
  return decodeByEthertype(buf.readUInt16BE(offset + 14), buf, offset + 16, end, out);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 20-byte header, protocol first). */
export function decodeLinuxSll2(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 20) return DecodeStatus.LinkError;
  return decodeByEthertype(buf.readUInt16BE(offset), buf, offset + 20, end, out);
}
