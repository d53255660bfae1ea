import { u16be } from './bytes.js';
import { LayerKind, pushLayer } from './encapsulation.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodePppPayload } from './ppp.js';

const VERSION_TYPE = 0x11;
const SESSION_DATA = 0x00;

/**
 * A PPPoE session frame (RFC 2516, EtherType 0x8864): version/type, code 0, session id,
 * length, then the PPP protocol field and the packet. The session id is part of the path and
 * the context.
 */
export function decodePppoeSession(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 6) return DecodeStatus.LinkError;
  if (buf[offset] !== VERSION_TYPE || buf[offset + 1] !== SESSION_DATA) return DecodeStatus.NotIp;
  if (!pushLayer(out, LayerKind.Pppoe, u16be(buf, offset + 2))) return DecodeStatus.LinkError;
  // The length covers the PPP protocol field and the packet; what follows is Ethernet padding.
  const payloadEnd = Math.min(end, offset + 6 + u16be(buf, offset + 4));
  return decodePppPayload(buf, offset + 6, payloadEnd, out);
}
