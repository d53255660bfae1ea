import { u16be } from './bytes.js';
import { decodeByEthertype } from './ethertype.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

/** Cisco HDLC (LINKTYPE_C_HDLC): address (0x0f, 0x8f broadcast), control, then an EtherType. */
export function decodeCiscoHdlc(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 4) return DecodeStatus.LinkError;
  return decodeByEthertype(u16be(buf, offset + 2), buf, offset + 4, end, out);
}

/** The first byte of a Cisco HDLC frame, where LINKTYPE_PPP_HDLC mixes it with PPP (0xff). */
export function isCiscoHdlcAddress(byte: number): boolean {
  return byte === 0x0f || byte === 0x8f;
}
