import { continueIpv6Chain } from '../decode/ipv6.js';
import { DecodeStatus, type DecodedPacket } from '../decode/packet.js';
import type { Statistics } from '../pipeline/statistics.js';

export interface DefragmenterLimits {
  /** Seconds a datagram may wait for its missing fragments. */
  timeoutSec: number;
  /** Fragment bytes held, all datagrams together; the oldest datagram goes beyond it. */
  maxBytes: number;
  /** Datagrams in reassembly at once; the oldest goes beyond it. */
  maxDatagrams: number;
}

interface Fragment {
  offset: number;
  data: Buffer;
}

interface Datagram<A> {
  firstSeen: number;
  version: 4 | 6;
  addresses: Buffer;
  protocol: number;
  fragments: Fragment[];
  /** Payload length, known once the last fragment (more-fragments clear) arrived; -1 before. */
  totalLength: number;
  bytes: number;
  attachments: A[];
}

/** The largest IP payload a fragment may extend to. */
const MAX_PAYLOAD = 65535;

/**
 * IPv4 and IPv6 fragment reassembly, keyed on (version, source, destination, protocol, id).
 *
 * Overlap policy: the bytes that arrived first win (what BSD stacks and Wireshark's default
 * keep); a later fragment that overlaps earlier bytes with different content is counted in
 * `stats.fragmentOverlaps` and its differing bytes are ignored. Exact duplicates are harmless.
 * The same policy serves IPv6, where RFC 5722 would drop the datagram: keeping first-arrived
 * bytes shows the traffic as the receiver most likely saw it, and the overlap is counted.
 */
export class IpDefragmenter<A = unknown> {
  private readonly datagrams = new Map<string, Datagram<A>>();
  private heldBytes = 0;
  private completed: A[] = [];

  constructor(
    private readonly limits: DefragmenterLimits,
    private readonly stats: Statistics,
  ) {}

  /**
   * Adds the fragment `pkt` describes. When it completes its datagram, rewrites `pkt` to the
   * reassembled transport bytes (a new buffer: [source][destination][payload]) and returns true;
   * `takeAttachments` then gives the attachments of its fragments in arrival order.
   */
  add(pkt: DecodedPacket, now: number, attachment: A): boolean {
    this.stats.fragments++;
    const length = pkt.l4Length;
    if (pkt.fragmentOffset + pkt.l4WireLength > MAX_PAYLOAD) {
      this.stats.headerErrors.ip++;
      return false;
    }
    const key = datagramKey(pkt);
    let datagram = this.datagrams.get(key);
    if (!datagram) {
      datagram = this.newDatagram(pkt, now);
      this.datagrams.set(key, datagram);
    }
    const data = Buffer.from(pkt.buf.subarray(pkt.l4Offset, pkt.l4Offset + length));
    this.countOverlap(datagram, pkt.fragmentOffset, data);
    datagram.fragments.push({ offset: pkt.fragmentOffset, data });
    datagram.attachments.push(attachment);
    datagram.bytes += data.length;
    this.heldBytes += data.length;
    if (!pkt.moreFragments) this.setTotal(datagram, pkt.fragmentOffset + pkt.l4WireLength);
    if (pkt.fragmentOffset === 0 && datagram.version === 6) datagram.protocol = pkt.protocol;
    if (datagram.totalLength >= 0 && covers(datagram)) return this.complete(key, datagram, pkt);
    this.enforceLimits();
    return false;
  }

  /** The attachments of the fragments of the datagram completed last. */
  takeAttachments(): A[] {
    const taken = this.completed;
    this.completed = [];
    return taken;
  }

  /** Drops datagrams that waited longer than the timeout. */
  expire(now: number): void {
    for (const [key, datagram] of this.datagrams) {
      if (now - datagram.firstSeen <= this.limits.timeoutSec) break; // insertion order is age order
      this.drop(key, datagram);
    }
  }

  /** Drops the oldest datagram in reassembly (memory shedding); false when none is held. */
  shedOldest(): boolean {
    for (const [key, datagram] of this.datagrams) {
      this.drop(key, datagram);
      return true;
    }
    return false;
  }

  private newDatagram(pkt: DecodedPacket, now: number): Datagram<A> {
    const addresses = Buffer.alloc(pkt.addrLen * 2);
    pkt.buf.copy(addresses, 0, pkt.srcOffset, pkt.srcOffset + pkt.addrLen);
    pkt.buf.copy(addresses, pkt.addrLen, pkt.dstOffset, pkt.dstOffset + pkt.addrLen);
    return {
      firstSeen: now,
      version: pkt.ipVersion as 4 | 6,
      addresses,
      protocol: pkt.protocol,
      fragments: [],
      totalLength: -1,
      bytes: 0,
      attachments: [],
    };
  }

  private setTotal(datagram: Datagram<A>, total: number): void {
    if (datagram.totalLength >= 0 && datagram.totalLength !== total) this.stats.fragmentOverlaps++;
    else datagram.totalLength = total;
  }

  /** Counts an overlap whose bytes differ from what arrived before. */
  private countOverlap(datagram: Datagram<A>, offset: number, data: Buffer): void {
    for (const f of datagram.fragments) {
      const start = Math.max(offset, f.offset);
      const end = Math.min(offset + data.length, f.offset + f.data.length);
      if (end <= start) continue;
      if (data.compare(f.data, start - f.offset, end - f.offset, start - offset, end - offset) !== 0) {
        this.stats.fragmentOverlaps++;
        return;
      }
    }
  }

  private complete(key: string, datagram: Datagram<A>, pkt: DecodedPacket): boolean {
    this.datagrams.delete(key);
    this.heldBytes -= datagram.bytes;
    this.stats.fragmentsReassembled++;
    const addrLen = datagram.addresses.length / 2;
    const out = Buffer.alloc(datagram.addresses.length + datagram.totalLength);
    datagram.addresses.copy(out, 0);
    const base = datagram.addresses.length;
    // Later arrivals first, so that the first-arrived bytes are written last and win.
    for (let i = datagram.fragments.length - 1; i >= 0; i--) {
      const f = datagram.fragments[i]!;
      f.data.copy(out, base + f.offset, 0, Math.min(f.data.length, datagram.totalLength - f.offset));
    }
    this.completed = datagram.attachments;
    pkt.buf = out;
    pkt.srcOffset = 0;
    pkt.dstOffset = addrLen;
    pkt.addrLen = addrLen;
    pkt.ipOffset = -1;
    pkt.isFragment = false;
    pkt.reassembled = true;
    pkt.protocol = datagram.protocol;
    pkt.l4Offset = base;
    pkt.l4Length = datagram.totalLength;
    pkt.l4WireLength = datagram.totalLength;
    if (datagram.version === 6) {
      // The reassembled bytes may start with more extension headers (destination options...).
      return continueIpv6Chain(out, base, datagram.protocol, out.length, out.length, pkt) === DecodeStatus.Ok;
    }
    return true;
  }

  private enforceLimits(): void {
    for (const [key, datagram] of this.datagrams) {
      if (this.heldBytes <= this.limits.maxBytes && this.datagrams.size <= this.limits.maxDatagrams) return;
      this.drop(key, datagram);
    }
  }

  private drop(key: string, datagram: Datagram<A>): void {
    this.datagrams.delete(key);
    this.heldBytes -= datagram.bytes;
    this.stats.fragmentTimeouts++;
  }
}

function datagramKey(pkt: DecodedPacket): string {
  const b = pkt.buf;
  return `${pkt.ipVersion}:${b.toString('hex', pkt.srcOffset, pkt.srcOffset + pkt.addrLen)}:${b.toString('hex', pkt.dstOffset, pkt.dstOffset + pkt.addrLen)}:${pkt.ipVersion === 4 ? pkt.protocol : 0}:${pkt.fragmentId}`;
}

/** True when the fragments cover [0, totalLength) without a hole. */
function covers(datagram: { fragments: Fragment[]; totalLength: number }): boolean {
  const sorted = [...datagram.fragments].sort((a, b) => a.offset - b.offset);
  let reached = 0;
  for (const f of sorted) {
    if (f.offset > reached) return false;
    reached = Math.max(reached, f.offset + f.data.length);
    if (reached >= datagram.totalLength) return true;
  }
  return reached >= datagram.totalLength;
}
