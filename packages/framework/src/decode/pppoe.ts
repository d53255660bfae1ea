import { u16be } from './bytes.js';
import { LayerKind, pushLayer } from './encapsulation.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodePppProtocol } from './ppp.js';

const VERSION_TYPE = 0x11;
const SESSION_DATA = 0x00;

/**
 * A PPPoE session frame (RFC 2516, EtherType 0x8864): version/type, code 0, session id,
 * length, then the PPP protocol field and the packet. The session id is part of the path.
 */
export function decodePppoeSession(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 8) return DecodeStatus.LinkError;
  if (buf[offset] !== VERSION_TYPE || buf[offset + 1] !== SESSION_DATA) return DecodeStatus.NotIp;
  if (!pushLayer(out, LayerKind.Pppoe, u16be(buf, offset + 2))) return DecodeStatus.LinkError;
  // The length covers the PPP protocol field and the packet; what follows is Ethernet padding.
  const payloadEnd = Math.min(end, offset + 6 + u16be(buf, offset + 4));
  if (payloadEnd - offset < 8) return DecodeStatus.LinkError;
  return decodePppProtocol(u16be(buf, offset + 6), buf, offset + 8, payloadEnd, out);
}
