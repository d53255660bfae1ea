import { u16be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeEthernet } from './ethernet.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';
import { decodeRawIp } from './raw-ip.js';

/** The GRE protocol types of ERSPAN (types I and II, type III). */
export const GRE_ERSPAN = 0x88be;
export const GRE_ERSPAN_3 = 0x22eb;

const TYPE_2 = 1;
const TYPE_3 = 2;
const FRAME_ETHERNET = 0;
const FRAME_IP = 2;

/**
 * ERSPAN in GRE (draft-foschiano-erspan), read as Wireshark does: without a GRE sequence
 * number it is type I (no header); with one, the header's version says type II (8 bytes) or
 * type III (12 bytes, 8 more with the platform sub-header). The mirrored frame follows:
 * Ethernet, or IP for a type III frame type 2. The session id is part of the path and context.
 */
export function decodeErspan(hasSequence: boolean, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (!hasSequence) {
    if (!pushTunnel(out, LayerKind.Erspan1, -1)) return DecodeStatus.LinkError;
    return decodeEthernet(buf, offset, end, out);
  }
  if (end - offset < 8) return DecodeStatus.LinkError;
  const version = buf[offset]! >> 4;
  if (version !== TYPE_2 && version !== TYPE_3) return DecodeStatus.NotIp;
  if (version === TYPE_3 && end - offset < 12) return DecodeStatus.LinkError;
  if (!pushTunnel(out, version === TYPE_2 ? LayerKind.Erspan2 : LayerKind.Erspan3, u16be(buf, offset + 2) & 0x3ff)) return DecodeStatus.LinkError;
  if (version === TYPE_2) return decodeEthernet(buf, offset + 8, end, out);
  const frameType = (buf[offset + 10]! >> 2) & 0x1f;
  const subHeader = (buf[offset + 11]! & 1) === 1 ? 8 : 0;
  const at = offset + 12 + subHeader;
  if (at > end) return DecodeStatus.LinkError;
  if (frameType === FRAME_ETHERNET) return decodeEthernet(buf, at, end, out);
  if (frameType === FRAME_IP) return decodeRawIp(buf, at, end, out);
  return DecodeStatus.NotIp;
}
