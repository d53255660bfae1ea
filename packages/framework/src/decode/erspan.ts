import { u16be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeEthernet } from './ethernet.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodeRawIp } from './raw-ip.js';

export const GRE_ERSPAN_2 = 0x88be;
export const GRE_ERSPAN_3 = 0x22eb;

const FRAME_ETHERNET = 0;
const FRAME_IP = 2;

/**
 * ERSPAN in GRE (draft-foschiano-erspan): protocol 0x88be is type II (an 8-byte header) when
 * the GRE header has a sequence number, type I (no header) when not; 0x22eb is type III (12
 * bytes, 8 more with the platform sub-header). The mirrored frame follows: Ethernet, or IP
 * for a type III frame type 2. The session id is part of the path and the context.
 */
export function decodeErspan(protocol: number, hasSequence: boolean, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (protocol === GRE_ERSPAN_2 && !hasSequence) {
    if (!pushTunnel(out, LayerKind.Erspan1, -1)) return DecodeStatus.LinkError;
    return decodeEthernet(buf, offset, end, out);
  }
  const type3 = protocol === GRE_ERSPAN_3;
  if (end - offset < (type3 ? 12 : 8)) return DecodeStatus.LinkError;
  if (!pushTunnel(out, type3 ? LayerKind.Erspan3 : LayerKind.Erspan2, u16be(buf, offset + 2) & 0x3ff)) return DecodeStatus.LinkError;
  if (!type3) return decodeEthernet(buf, offset + 8, end, out);
  const frameType = (buf[offset + 10]! >> 2) & 0x1f;
  const subHeader = (buf[offset + 11]! & 1) === 1 ? 8 : 0;
  const at = offset + 12 + subHeader;
  if (at > end) return DecodeStatus.LinkError;
  if (frameType === FRAME_ETHERNET) return decodeEthernet(buf, at, end, out);
  if (frameType === FRAME_IP) return decodeRawIp(buf, at, end, out);
  return DecodeStatus.NotIp;
}
