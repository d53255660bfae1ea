import { u32be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeEthernet } from './ethernet.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

export const VXLAN_PORT = 4789;

/** VXLAN (RFC 7348): an 8-byte header with the 24-bit VNI, then an Ethernet frame. */
export function decodeVxlan(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 8) return DecodeStatus.LinkError;
  if (!pushTunnel(out, LayerKind.Vxlan, u32be(buf, offset + 4) >>> 8)) return DecodeStatus.LinkError;
  return decodeEthernet(buf, offset + 8, end, out);
}
