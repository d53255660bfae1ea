import { formatAddressWords } from './address-text.js';
import { u32be } from './bytes.js';
import { LAYER_WORDS, MAX_PATH, type DecodedPacket } from './packet.js';

/** The kinds of encapsulation layer a packet's path records. */
export const LayerKind = {
  Vlan: 1,
  Pppoe: 2,
  Mpls: 3,
  Gre: 4,
  Erspan1: 5,
  Erspan2: 6,
  Erspan3: 7,
  Vxlan: 8,
  Geneve: 9,
  Ip4in4: 10,
  Ip6in4: 11,
  Ip4in6: 12,
  Ip6in6: 13,
} as const;
export type LayerKind = (typeof LayerKind)[keyof typeof LayerKind];

const TYPE_NAMES = ['', 'vlan', 'pppoe', 'mpls', 'gre', 'erspan', 'erspan', 'erspan', 'vxlan', 'geneve', '4in4', '6in4', '4in6', '6in6'] as const;

/** One layer of a session's `path` in its record (the fields that apply to its type). */
export interface PathLayer {
  type: (typeof TYPE_NAMES)[number];
  /** VLAN id. */
  id?: number;
  /** VXLAN or Geneve network identifier. */
  vni?: number;
  /** GRE key. */
  key?: number;
  /** ERSPAN session id, PPPoE session id. */
  session?: number;
  /** ERSPAN type (1, 2 or 3). */
  version?: number;
  /** MPLS labels, top of the stack first. */
  labels?: number[];
  /** The tunnel's outer addresses, `source>destination`, as the packet carried them. */
  outer?: string;
}

/** Adds a layer to the path (not to the context); its index, or -1 when the path is full. */
export function addLayer(out: DecodedPacket, kind: LayerKind, id: number): number {
  const n = out.pathLength;
  if (n === MAX_PATH) return -1;
  out.layerKind[n] = kind;
  out.layerId[n] = id;
  out.layerWordCount[n] = 0;
  out.pathLength = n + 1;
  return n;
}

/** A VLAN tag or PPPoE session: in the path and in the context. False when the path is full. */
export function pushLayer(out: DecodedPacket, kind: LayerKind, id: number): boolean {
  if (addLayer(out, kind, id) < 0) return false;
  out.context = mix(mix(out.context, kind), id);
  return true;
}

/**
 * A tunnel whose outer IP header is the one decoded last: its id and outer addresses go in
 * the path, and in the context in either order (both directions of a flow share it).
 */
export function pushTunnel(out: DecodedPacket, kind: LayerKind, id: number): boolean {
  const n = addLayer(out, kind, id);
  if (n < 0) return false;
  const words = out.addrLen >> 2;
  const base = n * LAYER_WORDS;
  let src = 0;
  let dst = 0;
  for (let i = 0; i < words; i++) {
    const s = u32be(out.buf, out.srcOffset + i * 4);
    const d = u32be(out.buf, out.dstOffset + i * 4);
    out.layerWords[base + i] = s;
    out.layerWords[base + 4 + i] = d;
    src = mix(src, s);
    dst = mix(dst, d);
  }
  out.layerWordCount[n] = words;
  out.context = mix(mix(mix(out.context, kind), id), (src + dst) | 0);
  return true;
}

function mix(h: number, value: number): number {
  h = Math.imul(h ^ value, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** The packet's path as the session record shows it (made once per session, from its first packet). */
export function describePath(pkt: DecodedPacket): PathLayer[] {
  const path: PathLayer[] = [];
  for (let i = 0; i < pkt.pathLength; i++) {
    const kind = pkt.layerKind[i]! as LayerKind;
    const id = pkt.layerId[i]!;
    const layer: PathLayer = { type: TYPE_NAMES[kind] };
    if (kind === LayerKind.Vlan) layer.id = id;
    else if (kind === LayerKind.Pppoe) layer.session = id;
    else if (kind === LayerKind.Vxlan || kind === LayerKind.Geneve) layer.vni = id;
    else if (kind === LayerKind.Gre && id >= 0) layer.key = id;
    else if (kind === LayerKind.Erspan1 || kind === LayerKind.Erspan2 || kind === LayerKind.Erspan3) {
      layer.version = kind - LayerKind.Erspan1 + 1;
      if (id >= 0) layer.session = id;
    }
    const base = i * LAYER_WORDS;
    const count = pkt.layerWordCount[i]!;
    if (kind === LayerKind.Mpls) layer.labels = Array.from(pkt.layerWords.subarray(base, base + count));
    else if (count > 0) {
      layer.outer = `${formatAddressWords(pkt.layerWords, base, count)}>${formatAddressWords(pkt.layerWords, base + 4, count)}`;
    }
    path.push(layer);
  }
  return path;
}
