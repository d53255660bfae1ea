import { continueIpv6Chain } from '../decode/ipv6.js';
import { DecodeStatus, type DecodedPacket } from '../decode/packet.js';
import { MemoryKind, type MemoryAccount } from '../memory/memory-account.js';
import type { Statistics } from '../pipeline/statistics.js';
import { FragmentPieces } from './fragment-pieces.js';

export interface DefragmenterLimits {
  /** Seconds a datagram may wait for its missing fragments. */
  timeoutSec: number;
  /** Fragment payload bytes held, all datagrams together; the oldest datagram goes beyond it. */
  maxBytes: number;
  /** Datagrams in reassembly at once; the oldest goes beyond it. */
  maxDatagrams: number;
  /** Fragments one datagram may take, duplicates included; one that takes this many without completing is dropped. */
  fragmentsPerDatagram: number;
}

/**
 * `fragmentsPerDatagram`: the largest datagram (65535 bytes) needs 54 fragments at IPv6's
 * minimum MTU (1280) and 119 at the 576 bytes every IPv4 host must accept; 128 leaves room
 * for those and stops a datagram from soaking up an unbounded stream of fragments.
 */
export const DEFAULT_DEFRAGMENTER_LIMITS: DefragmenterLimits = {
  timeoutSec: 30,
  maxBytes: 16 * 1024 * 1024,
  maxDatagrams: 4096,
  fragmentsPerDatagram: 128,
};

/**
 * Estimated heap cost of a datagram in reassembly beyond its pieces: its record, key string,
 * map entry, address buffer and arrays (measured on Node 20 over 100k datagrams after `global.gc()`).
 */
export const DATAGRAM_OVERHEAD = 1000;
/** The slot an attachment takes in its datagram's array. */
const ATTACHMENT_SLOT = 8;

interface Datagram<A> {
  firstSeen: number;
  version: 4 | 6;
  addresses: Buffer;
  protocol: number;
  pieces: FragmentPieces;
  /** Payload length, set by the first last fragment (more-fragments clear); -1 before. */
  end: number;
  /** Fragments taken, duplicates included. */
  fragments: number;
  /** True once a fragment disagreed with what was held (bytes or payload length). */
  conflict: boolean;
  /** Bytes charged to the memory account for this datagram. */
  charged: number;
  attachments: A[];
}

/** The largest IP payload a fragment may extend to. */
const MAX_PAYLOAD = 65535;

/**
 * IPv4 and IPv6 fragment reassembly, keyed on (version, source, destination, protocol, id).
 *
 * Overlap policy: the bytes that arrived first win (what BSD stacks and Wireshark's default
 * keep), and the payload length is the one the first last fragment gave. A fragment that
 * disagrees, with different bytes where it overlaps held ones or with bytes beyond the payload
 * length, is counted in `stats.fragmentOverlaps`, its disagreeing bytes are ignored, and its
 * datagram completes with `completedWithConflict` set. Exact duplicates are harmless.
 * The same policy serves IPv6, where RFC 5722 would drop the datagram: keeping first-arrived
 * bytes shows the traffic as the receiver most likely saw it, and the conflict is reported.
 *
 * What it holds is charged to the memory account as `MemoryKind.Fragments`; nothing here
 * throws on bad traffic.
 */
export class IpDefragmenter<A = unknown> {
  /** True when the datagram completed last had a conflicting fragment; read after `add` returned true. */
  completedWithConflict = false;
  private readonly limits: DefragmenterLimits;
  private readonly datagrams = new Map<string, Datagram<A>>();
  private payloadBytes = 0;
  private completed: A[] = [];

  /** `attachmentBytes`: what an attachment costs in memory, charged while its fragment is held. */
  constructor(
    limits: Partial<DefragmenterLimits>,
    private readonly stats: Statistics,
    private readonly account: MemoryAccount,
    private readonly attachmentBytes: (attachment: A) => number = () => 0,
  ) {
    this.limits = { ...DEFAULT_DEFRAGMENTER_LIMITS, ...limits };
  }

  /**
   * Adds the fragment `pkt` describes. When it completes its datagram, rewrites `pkt` to the
   * reassembled transport bytes (a new buffer: [source][destination][payload]) and returns true;
   * `takeAttachments` then gives the attachments of its fragments in arrival order.
   */
  add(pkt: DecodedPacket, now: number, attachment: A): boolean {
    this.stats.fragments++;
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
    datagram.fragments++;
    datagram.attachments.push(attachment);
    const heldBefore = datagram.pieces.memoryBytes;
    const coveredBefore = datagram.pieces.covered;
    if (this.place(datagram, pkt)) {
      datagram.conflict = true;
      this.stats.fragmentOverlaps++;
    }
    if (pkt.fragmentOffset === 0 && datagram.version === 6) datagram.protocol = pkt.protocol;
    this.payloadBytes += datagram.pieces.covered - coveredBefore;
    this.charge(datagram, datagram.pieces.memoryBytes - heldBefore + ATTACHMENT_SLOT + this.attachmentBytes(attachment));
    if (datagram.pieces.covered === datagram.end) return this.complete(key, datagram, pkt);
    if (datagram.fragments >= this.limits.fragmentsPerDatagram) {
      this.forget(key, datagram);
      this.stats.fragmentsPerDatagramDrops++;
      return false;
    }
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
      this.forget(key, datagram);
      this.stats.fragmentTimeouts++;
    }
  }

  /**
   * Drops the oldest datagram in reassembly to give memory back (counted as shed in the
   * account); false when none is held.
   */
  shedOldest(): boolean {
    for (const [key, datagram] of this.datagrams) {
      this.forget(key, datagram);
      this.account.countShed(MemoryKind.Fragments);
      return true;
    }
    return false;
  }

  private newDatagram(pkt: DecodedPacket, now: number): Datagram<A> {
    const addresses = Buffer.alloc(pkt.addrLen * 2);
    pkt.buf.copy(addresses, 0, pkt.srcOffset, pkt.srcOffset + pkt.addrLen);
    pkt.buf.copy(addresses, pkt.addrLen, pkt.dstOffset, pkt.dstOffset + pkt.addrLen);
    const datagram: Datagram<A> = {
      firstSeen: now,
      version: pkt.ipVersion as 4 | 6,
      addresses,
      protocol: pkt.protocol,
      pieces: new FragmentPieces(),
      end: -1,
      fragments: 0,
      conflict: false,
      charged: 0,
      attachments: [],
    };
    this.charge(datagram, DATAGRAM_OVERHEAD);
    return datagram;
  }

  /**
   * Puts the fragment's bytes and, for a last fragment, the payload length into `datagram`.
   * Returns true when the fragment conflicts with what the datagram held.
   */
  private place(datagram: Datagram<A>, pkt: DecodedPacket): boolean {
    const offset = pkt.fragmentOffset;
    const claimedEnd = offset + pkt.l4WireLength;
    let conflict = false;
    if (!pkt.moreFragments) {
      if (datagram.end < 0) {
        datagram.end = claimedEnd;
        conflict = datagram.pieces.truncate(claimedEnd);
      } else conflict = datagram.end !== claimedEnd;
    }
    let data = pkt.buf.subarray(pkt.l4Offset, pkt.l4Offset + pkt.l4Length);
    if (datagram.end >= 0 && claimedEnd > datagram.end) {
      conflict = true;
      data = data.subarray(0, Math.max(0, datagram.end - offset));
    }
    return datagram.pieces.add(offset, data) || conflict;
  }

  private complete(key: string, datagram: Datagram<A>, pkt: DecodedPacket): boolean {
    this.forget(key, datagram);
    this.stats.fragmentsReassembled++;
    const addrLen = datagram.addresses.length / 2;
    const base = datagram.addresses.length;
    const out = Buffer.alloc(base + datagram.end);
    datagram.addresses.copy(out, 0);
    datagram.pieces.copyTo(out, base);
    this.completed = datagram.attachments;
    this.completedWithConflict = datagram.conflict;
    pkt.buf = out;
    pkt.srcOffset = 0;
    pkt.dstOffset = addrLen;
    pkt.addrLen = addrLen;
    pkt.ipOffset = -1;
    pkt.isFragment = false;
    pkt.reassembled = true;
    pkt.protocol = datagram.protocol;
    pkt.l4Offset = base;
    pkt.l4Length = datagram.end;
    pkt.l4WireLength = datagram.end;
    if (datagram.version === 4) return true;
    // The reassembled bytes may start with more extension headers (destination options...);
    // a fragment header among them would be a fragment inside a fragment: malformed.
    if (continueIpv6Chain(out, base, datagram.protocol, out.length, out.length, pkt) === DecodeStatus.Ok && !pkt.isFragment) return true;
    this.stats.headerErrors.ip++;
    return false;
  }

  private enforceLimits(): void {
    for (const [key, datagram] of this.datagrams) {
      if (this.payloadBytes <= this.limits.maxBytes && this.datagrams.size <= this.limits.maxDatagrams) return;
      this.forget(key, datagram);
      this.stats.fragmentEvictions++;
    }
  }

  private charge(datagram: Datagram<A>, bytes: number): void {
    datagram.charged += bytes;
    this.account.charge(MemoryKind.Fragments, bytes);
  }

  /** Lets go of a datagram, completed or dropped: the caller counts why. */
  private forget(key: string, datagram: Datagram<A>): void {
    this.datagrams.delete(key);
    this.payloadBytes -= datagram.pieces.covered;
    this.account.release(MemoryKind.Fragments, datagram.charged);
  }
}

/** Addresses, protocol and id, within the packet's encapsulation context (its VLANs and tunnels). */
function datagramKey(pkt: DecodedPacket): string {
  const b = pkt.buf;
  return `${pkt.context}:${pkt.ipVersion}:${b.toString('latin1', pkt.srcOffset, pkt.srcOffset + pkt.addrLen)}${b.toString('latin1', pkt.dstOffset, pkt.dstOffset + pkt.addrLen)}:${pkt.ipVersion === 4 ? pkt.protocol : 0}:${pkt.fragmentId}`;
}
