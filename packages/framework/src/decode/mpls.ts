import { u32be } from './bytes.js';
import { addLayer, LayerKind } from './encapsulation.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { DecodeStatus, LAYER_WORDS, type DecodedPacket } from './packet.js';

const BOTTOM_OF_STACK = 0x100;

/**
 * An MPLS label stack (RFC 3032) down to the entry with the bottom-of-stack bit, then IPv4 or
 * IPv6 by the first nibble (as Wireshark and tcpdump guess; other payloads are not IP).
 * The labels go in the path, not in the context: the two directions of an LSP differ.
 */
export function decodeMpls(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  const n = addLayer(out, LayerKind.Mpls, -1);
  if (n < 0) return DecodeStatus.LinkError;
  let at = offset;
  let labels = 0;
  for (;;) {
    if (end - at < 4) return DecodeStatus.LinkError;
    const entry = u32be(buf, at);
    if (labels < LAYER_WORDS) out.layerWords[n * LAYER_WORDS + labels++] = entry >>> 12;
    at += 4;
    if (entry & BOTTOM_OF_STACK) break;
  }
  out.layerWordCount[n] = labels;
  if (at === end) return DecodeStatus.NotIp;
  const version = buf[at]! >> 4;
  if (version === 4) return decodeIpv4(buf, at, end, out);
  if (version === 6) return decodeIpv6(buf, at, end, out);
  return DecodeStatus.NotIp;
}
