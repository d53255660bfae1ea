/** Encapsulation layers a packet may come through: VLAN tags, MPLS stacks, PPPoE and tunnels together. */
export const MAX_PATH = 8;
/** Words kept per layer: a tunnel's outer addresses (4 + 4), or the first MPLS labels. */
export const LAYER_WORDS = 8;

/**
 * The decoded view of one packet, filled in place by the decoders (no allocation per packet,
 * like gopacket's DecodingLayerParser). Offsets point into `buf`, which is the frame's own
 * buffer, or a new buffer when the packet was rebuilt from IP fragments. Valid only until the
 * next packet is decoded.
 */
export class DecodedPacket {
  /** The buffer all offsets below point into. */
  buf: Buffer = Buffer.alloc(0);
  /** 4 or 6 once the network layer was decoded, 0 before. */
  ipVersion: 0 | 4 | 6 = 0;
  /** Offset of the IP header in `buf` (-1 when rebuilt from fragments). */
  ipOffset = 0;
  /** Offsets of the source and destination addresses in `buf`; each `addrLen` bytes (4 or 16). */
  srcOffset = 0;
  dstOffset = 0;
  addrLen = 4;
  /** Transport protocol number (IPv6: after the extension headers). */
  protocol = 0;
  /** Offset of the transport header in `buf`. */
  l4Offset = 0;
  /** Transport bytes present in `buf` (less than l4WireLength when the frame was truncated). */
  l4Length = 0;
  /** Transport bytes per the IP length fields. */
  l4WireLength = 0;
  /** IPv4 TTL / IPv6 hop limit. */
  ttl = 0;
  /**
   * True when the capture cut the frame (caplen < wire length). When it did not, an IP length
   * larger than the bytes present is a lie of the header, and the bytes present win (as in
   * Wireshark).
   */
  frameCut = false;

  // The encapsulation path, outer first: VLAN tags, MPLS, PPPoE, tunnels (see encapsulation.ts).
  // Fixed-size arrays made once, so that a tunnelled packet allocates nothing either.
  /** Layers in the arrays below. */
  pathLength = 0;
  /** Each layer's `LayerKind`. */
  readonly layerKind = new Uint8Array(MAX_PATH);
  /** VLAN id, VNI, GRE key, ERSPAN or PPPoE session; -1 when the layer has none. */
  readonly layerId = new Float64Array(MAX_PATH);
  /** Words used in `layerWords`: 1 or 4 per outer address, or the number of MPLS labels kept. */
  readonly layerWordCount = new Uint8Array(MAX_PATH);
  /** `LAYER_WORDS` per layer: the outer source address at 0, the destination at 4; or labels. */
  readonly layerWords = new Uint32Array(MAX_PATH * LAYER_WORDS);
  /**
   * What tells apart flows with the same addresses and ports: a hash of the VLAN ids, PPPoE
   * sessions and tunnels (ids and outer addresses, in either order), 0 when there are none.
   */
  context = 0;

  // IP fragmentation, as read from the header of this packet.
  /** True when this packet is a fragment (offset > 0 or more-fragments set). */
  isFragment = false;
  /** Fragment offset in bytes. */
  fragmentOffset = 0;
  moreFragments = false;
  /** IPv4 identification or IPv6 fragment identification. */
  fragmentId = 0;
  /** True when the transport bytes were rebuilt from several fragments. */
  reassembled = false;

  reset(): void {
    this.ipVersion = 0;
    this.ipOffset = 0;
    this.protocol = 0;
    this.l4Offset = 0;
    this.l4Length = 0;
    this.l4WireLength = 0;
    this.pathLength = 0;
    this.context = 0;
    this.isFragment = false;
    this.fragmentOffset = 0;
    this.moreFragments = false;
    this.fragmentId = 0;
    this.reassembled = false;
  }
}

/** What decoding a frame up to the transport layer found. */
export const DecodeStatus = {
  /** Network layer decoded; look at `protocol`, `isFragment`. */
  Ok: 0,
  /** The link type is not one pakeana decodes. */
  UnsupportedLink: 1,
  /** Link layer carries something other than IPv4/IPv6 (ARP, LLDP, ...): skipped, not an error. */
  NotIp: 2,
  /** Damaged link-layer or tunnel header, or more than `MAX_PATH` encapsulation layers. */
  LinkError: 3,
  /** Damaged IP header (bad version, length, header length, truncated before addresses). */
  IpError: 4,
} as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];

export const IPPROTO_TCP = 6;
