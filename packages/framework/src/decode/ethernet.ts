import { u16be } from './bytes.js';
import { LayerKind, pushLayer } from './encapsulation.js';
import { decodeByEthertype } from './ethertype.js';
import { DecodeStatus, type DecodedPacket } from './packet.js';

const MAX_TAGS = 4;
/** Transparent Ethernet bridging: a whole Ethernet frame (GRE, Geneve). */
export const ETHERTYPE_TEB = 0x6558;

/** 802.1Q, 802.1ad and the old QinQ tag types (comparisons: a Set lookup per packet costs more). */
function isVlanTag(type: number): boolean {
  return type === 0x8100 || type === 0x88a8 || type === 0x9100;
}

/**
 * Ethernet II with any number (up to 4) of 802.1Q / QinQ tags, each in the path and context.
 * 802.3 length frames are not IP.
 */
export function decodeEthernet(buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (end - offset < 14) return DecodeStatus.LinkError;
  let at = offset + 12;
  let type = u16be(buf, at);
  for (let tags = 0; isVlanTag(type); tags++) {
    if (tags === MAX_TAGS || end - at < 6) return DecodeStatus.LinkError;
    const vlan = u16be(buf, at + 2) & 0x0fff;
    // VLAN 0 is a priority tag, no VLAN: one direction may carry it and the other not.
    if (vlan !== 0 && !pushLayer(out, LayerKind.Vlan, vlan)) return DecodeStatus.LinkError;
    at += 4;
    type = u16be(buf, at);
  }
  if (type < 0x0600) return DecodeStatus.NotIp;
  return decodeByEthertype(type, buf, at + 2, end, out);
}

/** What a tunnel's protocol type announces: an EtherType, or a whole Ethernet frame. */
export function decodeTunnelPayload(type: number, buf: Buffer, offset: number, end: number, out: DecodedPacket): DecodeStatus {
  if (type === ETHERTYPE_TEB) return decodeEthernet(buf, offset, end, out);
  return decodeByEthertype(type, buf, offset, end, out);
}
