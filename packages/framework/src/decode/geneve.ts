import { u16be, u32be } from './bytes.js';
import { LayerKind, pushTunnel } from './encapsulation.js';
import { decodeTunnelPayload } from './ethernet.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

export const GENEVE_PORT = 6081;

/**
 * Geneve (RFC 8926): version 0, options length in 4-byte words, protocol type, 24-bit VNI;
 * the options are skipped, then what the protocol type announces (0x6558: Ethernet).
 */
export function decodeGeneve(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 8) return DecodeStatus.LinkError;
  if (buf[offset]! >> 6 !== 0) return DecodeStatus.NotIp;
  const at = offset + 8 + (buf[offset]! & 0x3f) * 4;
  if (at > end) return DecodeStatus.LinkError;
  if (!pushTunnel(out, LayerKind.Geneve, u32be(buf, offset + 4) >>> 8)) return DecodeStatus.LinkError;
  return decodeTunnelPayload(u16be(buf, offset + 2), buf, at, end, out);
}
