import { u32be } from '../decode/bytes.js';
import { describePath, type PathLayer } from '../decode/encapsulation.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { TcpHeader } from '../decode/tcp-header.js';
import { BufferBudget } from '../reassembly/tcp-stream.js';
import type { StoredFrame } from '../sources/frame.js';
import { TcpSession } from './tcp-session.js';
import { SynEntry, Tombstone, type FlowEntry, type OpenEntry } from './flow-entry.js';

/**
 * The bidirectional TCP flow table. Keys on the 5-tuple and the encapsulation context (VLANs,
 * tunnels: `DecodedPacket.context`, 0 without) without building a key string: a symmetric
 * hash of both endpoints selects a bucket, the chain is compared word by word against the
 * packet's bytes. Sessions are also kept in two intrusive lists: idle order
 * (least recently seen first, for timeouts and eviction) and creation order (the oldest
 * live session bounds which exported frames are final).
 */
export class FlowTable {
  private readonly buckets = new Map<number, FlowEntry>();
  private idleHead: FlowEntry | null = null;
  private idleTail: FlowEntry | null = null;
  private ageHead: OpenEntry | null = null;
  private ageTail: OpenEntry | null = null;
  private nextId: number;
  size = 0;
  /** Set by `find`: true when the packet was sent by the session's client. */
  fromClient = true;

  /** `firstId`: the first session's id (the next get the numbers after it). */
  constructor(
    readonly budget: BufferBudget,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  /** The entry of this packet's flow (session, SYN entry or tombstone), or null. Sets `fromClient`. */
  find(pkt: DecodedPacket, tcp: TcpHeader): FlowEntry | null {
    const hash = flowHash(pkt, tcp);
    for (let s = this.buckets.get(hash) ?? null; s !== null; s = s.nextInBucket) {
      if (s.ipVersion !== pkt.ipVersion || s.context !== pkt.context) continue;
      if (
        s.clientPort === tcp.srcPort &&
        s.serverPort === tcp.dstPort &&
        sameAddress(pkt.buf, pkt.srcOffset, pkt.addrLen, s.addressWords, 0) &&
        sameAddress(pkt.buf, pkt.dstOffset, pkt.addrLen, s.addressWords, pkt.addrLen >> 2)
      ) {
        this.fromClient = true;
        return s;
      }
      if (
        s.clientPort === tcp.dstPort &&
        s.serverPort === tcp.srcPort &&
        sameAddress(pkt.buf, pkt.dstOffset, pkt.addrLen, s.addressWords, 0) &&
        sameAddress(pkt.buf, pkt.srcOffset, pkt.addrLen, s.addressWords, pkt.addrLen >> 2)
      ) {
        this.fromClient = false;
        return s;
      }
    }
    return null;
  }

  /** Adds a session for this packet; `senderIsClient` picks which side is the client. */
  create(pkt: DecodedPacket, tcp: TcpHeader, senderIsClient: boolean): TcpSession {
    const [clientOffset, serverOffset] = senderIsClient ? [pkt.srcOffset, pkt.dstOffset] : [pkt.dstOffset, pkt.srcOffset];
    const [clientPort, serverPort] = senderIsClient ? [tcp.srcPort, tcp.dstPort] : [tcp.dstPort, tcp.srcPort];
    const words = addressWords(pkt.buf, clientOffset, serverOffset, pkt.addrLen);
    const session = new TcpSession(this.nextId++, flowHash(pkt, tcp), pkt.ipVersion as 4 | 6, clientPort, serverPort, words, this.budget);
    session.context = pkt.context;
    if (pkt.pathLength > 0) session.path = describePath(pkt);
    this.insert(session);
    this.fromClient = senderIsClient;
    return session;
  }

  /** Adds the flow of a client's SYN (`syn`, a copy of it), as a light entry (see `SynEntry`). */
  createSyn(pkt: DecodedPacket, tcp: TcpHeader, syn: StoredFrame, time: number): SynEntry {
    const words = addressWords(pkt.buf, pkt.srcOffset, pkt.dstOffset, pkt.addrLen);
    const entry = new SynEntry(this.nextId++, flowHash(pkt, tcp), pkt.ipVersion as 4 | 6, tcp.srcPort, tcp.dstPort, pkt.context, words, syn, time);
    this.insert(entry);
    this.fromClient = true;
    return entry;
  }

  /** The session a SYN entry becomes, in its place in the hash chain, the idle order and the creation order. */
  promote(entry: SynEntry, path: readonly PathLayer[] | null): TcpSession {
    const session = new TcpSession(entry.id, entry.hash, entry.ipVersion, entry.clientPort, entry.serverPort, entry.addressWords, this.budget);
    session.context = entry.context;
    session.path = path;
    this.replaceInChain(entry, session);
    this.replaceInIdle(entry, session);
    session.agePrev = entry.agePrev;
    session.ageNext = entry.ageNext;
    if (entry.agePrev) entry.agePrev.ageNext = session;
    else this.ageHead = session;
    if (entry.ageNext) entry.ageNext.agePrev = session;
    else this.ageTail = session;
    entry.agePrev = entry.ageNext = null;
    return session;
  }

  /** A new entry: first in its bucket, last in the idle and creation orders. */
  private insert(entry: OpenEntry): void {
    entry.nextInBucket = this.buckets.get(entry.hash) ?? null;
    this.buckets.set(entry.hash, entry);
    this.appendIdle(entry);
    entry.agePrev = this.ageTail;
    if (this.ageTail) this.ageTail.ageNext = entry;
    else this.ageHead = entry;
    this.ageTail = entry;
    this.size++;
  }

  /** Marks the entry as just seen: it moves to the end of the idle order. */
  touch(session: FlowEntry): void {
    if (this.idleTail === session) return;
    this.unlinkIdle(session);
    this.appendIdle(session);
  }

  /** The least recently seen entry. */
  get idlest(): FlowEntry | null {
    return this.idleHead;
  }

  /** The oldest session still open. */
  get oldest(): OpenEntry | null {
    return this.ageHead;
  }

  remove(entry: FlowEntry): void {
    const head = this.buckets.get(entry.hash);
    if (head === entry) {
      if (entry.nextInBucket) this.buckets.set(entry.hash, entry.nextInBucket);
      else this.buckets.delete(entry.hash);
    } else {
      for (let s = head ?? null; s !== null; s = s.nextInBucket) {
        if (s.nextInBucket === entry) {
          s.nextInBucket = entry.nextInBucket;
          break;
        }
      }
    }
    entry.nextInBucket = null;
    this.unlinkIdle(entry);
    if (entry instanceof TcpSession || entry instanceof SynEntry) this.leaveAgeOrder(entry);
    this.size--;
  }

  /**
   * Puts a tombstone in a finished session's place (hash chain and idle order), so that the
   * session itself can be collected while its late packets are still absorbed.
   */
  bury(session: TcpSession): Tombstone {
    const tombstone = new Tombstone(session);
    this.leaveAgeOrder(session);
    this.replaceInChain(session, tombstone);
    this.replaceInIdle(session, tombstone);
    return tombstone;
  }

  /**
   * Takes a finished session out of the creation order (it stays findable, to absorb late
   * packets), so that `oldest` is the oldest session still open.
   */
  leaveAgeOrder(session: OpenEntry): void {
    if (session.agePrev === null && this.ageHead !== session) return; // not in the list
    if (session.agePrev) session.agePrev.ageNext = session.ageNext;
    else this.ageHead = session.ageNext;
    if (session.ageNext) session.ageNext.agePrev = session.agePrev;
    else this.ageTail = session.agePrev;
    session.agePrev = session.ageNext = null;
  }

  /** Every session still open (and SYN entry), oldest first. */
  *open(): IterableIterator<OpenEntry> {
    for (let s = this.ageHead; s !== null; ) {
      const next = s.ageNext;
      yield s;
      s = next;
    }
  }

  /** `by` takes `entry`'s place in its hash chain. */
  private replaceInChain(entry: FlowEntry, by: FlowEntry): void {
    const head = this.buckets.get(entry.hash);
    if (head === entry) this.buckets.set(entry.hash, by);
    else for (let s = head ?? null; s !== null; s = s.nextInBucket) if (s.nextInBucket === entry) s.nextInBucket = by;
    by.nextInBucket = entry.nextInBucket;
    entry.nextInBucket = null;
  }

  /** `by` takes `entry`'s place in the idle order. */
  private replaceInIdle(entry: FlowEntry, by: FlowEntry): void {
    by.idlePrev = entry.idlePrev;
    by.idleNext = entry.idleNext;
    if (entry.idlePrev) entry.idlePrev.idleNext = by;
    else this.idleHead = by;
    if (entry.idleNext) entry.idleNext.idlePrev = by;
    else this.idleTail = by;
    entry.idlePrev = entry.idleNext = null;
  }

  private appendIdle(session: FlowEntry): void {
    session.idlePrev = this.idleTail;
    session.idleNext = null;
    if (this.idleTail) this.idleTail.idleNext = session;
    else this.idleHead = session;
    this.idleTail = session;
  }

  private unlinkIdle(session: FlowEntry): void {
    if (session.idlePrev) session.idlePrev.idleNext = session.idleNext;
    else if (this.idleHead === session) this.idleHead = session.idleNext;
    if (session.idleNext) session.idleNext.idlePrev = session.idlePrev;
    else if (this.idleTail === session) this.idleTail = session.idlePrev;
    session.idlePrev = session.idleNext = null;
  }
}

function endpointHash(buf: Buffer, offset: number, length: number, port: number): number {
  let h = Math.imul(port + 0x9e37, 0x85ebca6b);
  for (let i = 0; i < length; i += 4) {
    h = Math.imul(h ^ u32be(buf, offset + i), 0xc2b2ae35);
    h ^= h >>> 15;
  }
  return h;
}

/** The same for both directions of a flow: the endpoint hashes are added (and the context mixed in). */
export function flowHash(pkt: DecodedPacket, tcp: TcpHeader): number {
  const a = endpointHash(pkt.buf, pkt.srcOffset, pkt.addrLen, tcp.srcPort);
  const b = endpointHash(pkt.buf, pkt.dstOffset, pkt.addrLen, tcp.dstPort);
  return ((a + b) ^ pkt.context) & 0x3fffffff;
}

/** The address at `buf[offset]` is the one in `words` from `first` on. */
function sameAddress(buf: Buffer, offset: number, length: number, words: number[], first: number): boolean {
  for (let i = 0; i < length; i += 4) if (u32be(buf, offset + i) !== words[first + (i >> 2)]) return false;
  return true;
}

/** Both addresses as words, the client's first. */
function addressWords(buf: Buffer, clientOffset: number, serverOffset: number, length: number): number[] {
  // Sized up front: an array grown by push reserves 17 slots (152 bytes) for these 2 or 8.
  const half = length >> 2;
  const words = new Array<number>(half * 2);
  for (let i = 0; i < half; i++) {
    words[i] = u32be(buf, clientOffset + i * 4);
    words[half + i] = u32be(buf, serverOffset + i * 4);
  }
  return words;
}
