import { MemoryAccount, MemoryKind } from '../memory/memory-account.js';

/**
 * One direction of a TCP connection, reassembled into ordered bytes.
 *
 * The stream calls its `StreamReceiver`, in order:
 *   1. `data` zero or more times with bytes in stream order, each byte once. In-order
 *      payload is handed on as a view of the captured packet (no copy): it is only valid
 *      during the call. Only segments that arrive ahead of a hole are copied and held.
 *   2. `gap` where bytes were never seen (lost before the capture point, cut by the snap
 *      length, or given up on because of memory limits), between data calls, in order.
 *   3. `end` at most once, when the stream's FIN or a RST was reached in sequence.
 * Whatever happens, every byte of the stream's sequence space up to the last one delivered
 * is handed on once, at its place: as data, or inside a gap.
 *
 * Sequence numbers are compared modulo 2^32 (`seqDiff`), so streams may wrap around.
 * A stream whose SYN was not seen starts where the peer's handshake ACK said it would (the
 * SYN-ACK was lost: bytes lost after it are missing), else at the first byte it sees (the
 * connection was open when the capture began). Segments without payload do not fix that
 * start, and a one-byte keep-alive probe (one garbage octet at SND.NXT - 1, RFC 9293 3.8.4)
 * is not data: see `beginMidStream`.
 *
 * Overlap policy: the first bytes seen for a sequence range win; a retransmission never
 * rewrites what was held or delivered. Where a segment overlaps bytes still held and differs
 * from them, `overlapConflicts` counts it (bytes already delivered are not kept, so a
 * retransmission of them is not compared).
 *
 * Limits: a stream holds at most `StreamLimits.segments` segments and `StreamLimits.bytes`
 * bytes (payload plus SEGMENT_OVERHEAD each) out of order, and holds nothing new while the
 * run's memory account is over its limit. A segment that does not fit makes the stream give
 * up its oldest hole (skipped as a gap, the bytes held behind it delivered), then the next,
 * until the segment fits or is itself reached; a segment still ahead that cannot be held is
 * delivered at its place after a gap. The oldest hole is given up, not the new segment: the
 * receiver is waiting on that hole, it is the likeliest to be a capture loss that no
 * retransmission will fill, and giving it up releases the most held bytes for one gap while
 * keeping every byte seen. Given-up holes are counted in `givenUpBytes`.
 */
export interface StreamReceiver {
  data(bytes: Buffer, offset: number, length: number): void;
  gap(length: number): void;
  end(): void;
}

/** How a segment's payload related to what the stream had seen. */
export const SegmentClass = {
  /** No payload and no SYN/FIN: a pure ACK, window update, or keep-alive probe. */
  Empty: 0,
  /** Payload at the next expected byte. */
  InOrder: 1,
  /** Payload beyond a hole: held (or delivered at its place after a gap, when over a limit). */
  Ahead: 2,
  /** Payload that fills a hole below bytes already seen. */
  FillsHole: 3,
  /** Every byte (or SYN/FIN) was seen before. */
  Retransmission: 4,
  /** Some bytes seen before, some new. */
  PartialRetransmission: 5,
  /**
   * A keep-alive probe that opens a direction seen mid-stream: its one byte is not stream data
   * (a first one-byte segment held as a likely probe is classed so too, see `beginMidStream`).
   */
  KeepAlive: 6,
} as const;
export type SegmentClass = (typeof SegmentClass)[keyof typeof SegmentClass];

/** Signed distance a - b between two 32-bit sequence numbers. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** What one stream may hold out of order (like Suricata's stream.reassembly limits). */
export interface StreamLimits {
  /** Segments held at once. */
  segments: number;
  /** Bytes held at once: payload plus SEGMENT_OVERHEAD per segment. */
  bytes: number;
}

/**
 * Four times (segments) and twice (bytes) the most one stream of the test captures and the
 * public captures needs: 257 segments, 432 KiB (PcapPlusPlus' http-packets.pcap). One stream
 * can then take at most 1/512 of the default memory limit.
 */
export const DEFAULT_STREAM_LIMITS: StreamLimits = { segments: 1024, bytes: 1024 * 1024 };

/**
 * Heap bytes one held segment costs besides its payload: the segment object, its Buffer
 * and that Buffer's own ArrayBuffer (measured: 264 bytes a segment over 100k one-byte
 * segments, heapUsed delta after gc, Node 20). Each payload gets its own ArrayBuffer rather
 * than a slice of Node's shared 8 KiB pool, which one held byte would keep alive.
 */
export const SEGMENT_OVERHEAD = 264;

/**
 * What the streams of a run may hold out of order: they charge the run's memory account
 * (MemoryKind.OutOfOrder) and keep within the limits of one stream. Counts, for the whole
 * run, what the streams gave up.
 */
export class BufferBudget {
  /** Bytes of holes given up because of a limit (per stream, or the memory account), all streams. */
  givenUpBytes = 0;
  /** Segments that found their stream at its own limits. */
  streamLimitHits = 0;

  constructor(
    readonly account: MemoryAccount = new MemoryAccount(),
    readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  ) {}
}

interface HeldSegment {
  seq: number;
  /** The captured bytes (a copy). */
  data: Buffer;
  /** Bytes the segment carried on the wire (more than data.length when truncated). */
  wireLength: number;
  /** The FIN follows the bytes (it takes one more sequence number). */
  fin: boolean;
  /** What the segment was charged: data.length + SEGMENT_OVERHEAD. */
  cost: number;
}

const NO_RECEIVER: StreamReceiver = { data() {}, gap() {}, end() {} };
const NO_BYTES = Buffer.alloc(0);
/** Where a held one-byte segment is put back when it turns out to be data (valid during the call). */
const PROBE_BYTE = Buffer.alloc(1);

/** Sequence number just past a held segment (its FIN included). */
function endOf(held: HeldSegment): number {
  return (held.seq + held.wireLength + (held.fin ? 1 : 0)) | 0;
}

/**
 * The new parts of the segment being held, as [from, to) sequence pairs: `hold` keeps only
 * the bytes no held segment has, so held segments never overlap. Shared by every stream
 * (the pipeline is single-threaded and a stream fills and uses it within one call).
 */
const freshParts: number[] = [];

export class TcpStream {
  /** True once any segment of this direction was seen. */
  started = false;
  /** True once this direction's SYN was seen. */
  synSeen = false;
  /** Initial sequence number when the SYN was seen. */
  isn = 0;
  /** Next sequence number to deliver. */
  nextSeq = 0;
  /** One past the highest sequence number seen in this direction (SYN/FIN included). */
  highSeq = 0;
  /** Sequence number of the FIN, once seen. */
  finSeq = -1;
  finSeen = false;
  /** The FIN was reached in sequence: the stream is complete. */
  finished = false;
  /** Payload bytes delivered or counted, each byte once (truncated bytes included). */
  bytes = 0;
  /** Bytes never seen: holes skipped and bytes cut by the snap length. */
  missingBytes = 0;
  /** Bytes of holes given up because of a limit (part of missingBytes). */
  givenUpBytes = 0;
  /** Segments whose bytes differed from held bytes of the same sequence range (the held ones won). */
  overlapConflicts = 0;
  /** The peer's latest ACK of this direction before it started (`peerAckSeen`): the byte it expects next. */
  private peerAck = 0;
  private peerAckSeen = false;
  /** Where this direction's bytes start, from the peer's handshake ACK (`startKnown`), when its SYN was not seen. */
  private knownStart = 0;
  private startKnown = false;
  /** A first one-byte segment held aside as a possible keep-alive probe: its sequence number and byte (-1: not captured). */
  private probeHeld = false;
  private probeSeq = 0;
  private probeByte = -1;
  /** Segments held out of order, sorted by seq, never overlapping; live from `head` on. */
  private held: (HeldSegment | null)[] = [];
  private head = 0;
  private heldCost = 0;

  constructor(
    private readonly budget: BufferBudget,
    public receiver: StreamReceiver = NO_RECEIVER,
  ) {}

  /** Bytes held out of order right now, as charged to the memory account. */
  get heldBytes(): number {
    return this.heldCost;
  }

  /** Segments held out of order right now. */
  get heldSegments(): number {
    return this.held.length - this.head;
  }

  /**
   * Applies one segment of this direction. `payloadLength` is what was captured,
   * `wireLength` what the IP header says was sent (more when the frame was truncated).
   */
  segment(
    seq: number,
    syn: boolean,
    fin: boolean,
    buf: Buffer,
    payloadOffset: number,
    payloadLength: number,
    wireLength: number,
  ): SegmentClass {
    const repeatedSyn = syn && this.synSeen && seq === this.isn;
    if (syn && !repeatedSyn) this.onSyn(seq);
    else if (!this.started) {
      if (wireLength === 0 && !fin) return SegmentClass.Empty;
      if (this.beginMidStream(seq, fin, buf, payloadOffset, Math.min(payloadLength, wireLength), wireLength)) return SegmentClass.KeepAlive;
    }
    this.started = true;
    const dataSeq = syn ? (seq + 1) | 0 : seq;
    const end = (dataSeq + wireLength + (fin ? 1 : 0)) | 0;
    const wasHigh = this.highSeq;
    if (seqDiff(end, this.highSeq) > 0) this.highSeq = end;
    if (wireLength === 0 && !fin) return repeatedSyn ? SegmentClass.Retransmission : SegmentClass.Empty;
    if (fin) this.noteFin((dataSeq + wireLength) | 0);
    const captured = Math.min(payloadLength, wireLength);

    const offset = seqDiff(dataSeq, this.nextSeq);
    if (offset > 0) return this.ahead(dataSeq, fin, buf, payloadOffset, captured, wireLength);
    if (!this.place(dataSeq, fin, buf, payloadOffset, captured, wireLength)) return SegmentClass.Retransmission;
    if (offset < 0) return SegmentClass.PartialRetransmission;
    return seqDiff(end, wasHigh) < 0 ? SegmentClass.FillsHole : SegmentClass.InOrder;
  }

  /**
   * The peer acknowledged `ack`: bytes below it reached the peer, so a hole below it will
   * never be filled in this capture. Skip it and deliver what was held behind it.
   * `handshake`: the peer's SYN was seen, so its first ACK of a direction that has not started
   * says where that direction's bytes start.
   */
  acknowledged(ack: number, handshake = false): void {
    if (!this.started) {
      this.peerAck = ack | 0;
      this.peerAckSeen = true;
      if (handshake && !this.startKnown) {
        this.knownStart = ack | 0;
        this.startKnown = true;
      }
      return;
    }
    while (this.heldSegments > 0) {
      const first = this.held[this.head]!;
      if (seqDiff(ack, first.seq) < 0) return;
      this.skipTo(first.seq);
      this.drain();
    }
  }

  /** End of input or session: deliver everything held, with gaps for the holes (a held one-byte segment was data). */
  flush(): void {
    if (this.probeHeld) this.keepHeldByte();
    this.deliverHeld(false);
  }

  /**
   * Gives up what this stream holds, to bring the memory account under its limit: delivers
   * it as `flush` does (a gap for each hole, counted in `givenUpBytes`) and counts the
   * segments shed. Returns the bytes released from the account.
   */
  shed(): number {
    const segments = this.heldSegments;
    if (segments === 0) return 0;
    const released = this.heldCost;
    this.deliverHeld(true);
    this.budget.account.countShed(MemoryKind.OutOfOrder, segments);
    return released;
  }

  /** Forgets held bytes without delivering them, and the receiver (the session is finished). */
  discard(): void {
    this.budget.account.release(MemoryKind.OutOfOrder, this.heldCost);
    this.heldCost = 0;
    this.held.length = 0;
    this.head = 0;
    this.probeHeld = false;
    this.receiver = NO_RECEIVER;
  }

  private onSyn(seq: number): void {
    this.synSeen = true;
    this.isn = seq;
    this.probeHeld = false;
    if (!this.started || this.bytes === 0) {
      this.nextSeq = (seq + 1) | 0;
      this.highSeq = this.nextSeq;
    }
  }

  /**
   * The first segment with payload (or FIN) of a direction whose SYN was not seen: fixes where
   * its bytes start. True when the segment is a keep-alive probe instead: one byte at one below
   * the byte the peer acknowledged. Without an ACK from the peer yet, a first one-byte segment
   * is held aside until the direction's next segment: a repeat of it, or data right after it,
   * makes it a probe (it sat at SND.NXT - 1 of that data); anything else, the peer asking for
   * that very byte, or the end of the session makes it data after all. Dropping a real one-byte
   * segment there costs one byte of a stream whose start was not seen anyway; keeping a probe's
   * garbage byte would put it in front of the next message.
   */
  private beginMidStream(seq: number, fin: boolean, buf: Buffer, offset: number, captured: number, wireLength: number): boolean {
    const oneByte = wireLength === 1 && !fin;
    seq |= 0; // signed, as kept (a header's sequence number is not)
    if (this.probeHeld) {
      this.probeHeld = false;
      if (oneByte && seq === this.probeSeq) return true; // the probe again
      const dataRightAfter = seq === ((this.probeSeq + 1) | 0);
      const peerWaitsForIt = this.peerAckSeen && this.peerAck === this.probeSeq;
      if (!dataRightAfter || peerWaitsForIt) {
        this.keepHeldByte();
        return false;
      }
    } else if (oneByte && !this.peerAckSeen) {
      this.probeHeld = true;
      this.probeSeq = seq;
      this.probeByte = captured > 0 ? buf[offset]! : -1;
      return true;
    } else if (oneByte && ((seq + 1) | 0) === this.peerAck) {
      return true;
    }
    this.startAt(this.startKnown && seqDiff(seq, this.knownStart) > 0 ? this.knownStart : seq);
    return false;
  }

  /** The held one-byte segment was data: the direction starts with it. */
  private keepHeldByte(): void {
    this.probeHeld = false;
    this.startAt(this.probeSeq);
    this.started = true;
    PROBE_BYTE[0] = Math.max(this.probeByte, 0);
    this.deliver(PROBE_BYTE, 0, this.probeByte >= 0 ? 1 : 0, 1);
    this.highSeq = this.nextSeq;
  }

  private startAt(seq: number): void {
    // Kept signed like every sum below (| 0): the FIN is found by comparing with them.
    this.nextSeq = seq | 0;
    this.highSeq = seq | 0;
  }

  private noteFin(finSeq: number): void {
    if (!this.finSeen) {
      this.finSeen = true;
      this.finSeq = finSeq;
    }
  }

  /**
   * A segment starting at or before nextSeq: delivers its new bytes, giving way to held
   * bytes where they overlap (the first copy wins). False when nothing in it was new.
   */
  private place(seq: number, fin: boolean, buf: Buffer, offset: number, captured: number, wireLength: number): boolean {
    const overlap = seqDiff(this.nextSeq, seq);
    const fresh = wireLength - overlap;
    if (fresh <= 0 && !(fin && !this.finished && fresh === 0)) return false;
    if (this.heldSegments === 0) {
      if (fresh > 0) this.deliver(buf, offset + overlap, captured - overlap, fresh);
    } else {
      this.placeAmongHeld(seq, buf, offset, captured, wireLength);
    }
    if (fin) this.reachFin();
    this.drain();
    return true;
  }

  /** Delivers the segment's bytes up to each held segment, then the held one, and on. */
  private placeAmongHeld(seq: number, buf: Buffer, offset: number, captured: number, wireLength: number): void {
    this.compareWithHeld(seq, wireLength, buf, offset, captured);
    const end = (seq + wireLength) | 0;
    while (seqDiff(end, this.nextSeq) > 0) {
      const first = this.heldSegments > 0 ? this.held[this.head]! : null;
      const stop = first && seqDiff(first.seq, end) < 0 ? first.seq : end;
      const at = seqDiff(this.nextSeq, seq);
      if (seqDiff(stop, this.nextSeq) > 0) this.deliver(buf, offset + at, captured - at, seqDiff(stop, this.nextSeq));
      this.drain();
    }
  }

  /** Hands on `length` new bytes at nextSeq, of which `captured` are in buf at offset. */
  private deliver(buf: Buffer, offset: number, captured: number, length: number): void {
    if (captured > 0) this.receiver.data(buf, offset, Math.min(captured, length));
    const cut = length - Math.max(captured, 0);
    if (cut > 0) {
      // Bytes cut by the snap length: sent, but not in the capture.
      this.missingBytes += cut;
      this.receiver.gap(cut);
    }
    this.bytes += length;
    this.nextSeq = (this.nextSeq + length) | 0;
  }

  private reachFin(): void {
    if (this.finished || !this.finSeen || this.nextSeq !== this.finSeq) return;
    this.finished = true;
    this.nextSeq = (this.nextSeq + 1) | 0;
    this.receiver.end();
  }

  /** A segment beyond a hole: held when it fits, else delivered at its place (see the limits above). */
  private ahead(seq: number, fin: boolean, buf: Buffer, offset: number, captured: number, wireLength: number): SegmentClass {
    const end = (seq + wireLength + (fin ? 1 : 0)) | 0;
    const parts = this.findFreshParts(seq, end, buf, offset, captured);
    if (parts === 0) return SegmentClass.Retransmission;
    const cost = this.costOf(parts, seq, captured);
    if (this.makeRoom(seq, cost, parts)) {
      this.hold(parts, seq, end, fin, buf, offset, captured);
    } else {
      this.giveUpTo(seq);
      this.place(seq, fin, buf, offset, captured, wireLength);
    }
    return SegmentClass.Ahead;
  }

  /** Fills `freshParts` with the parts of [seq, end) no held segment has; returns how many. */
  private findFreshParts(seq: number, end: number, buf: Buffer, offset: number, captured: number): number {
    let n = 0;
    let from = seq;
    if (this.heldSegments > 0) {
      for (let i = this.firstEndingAfter(seq); i < this.held.length; i++) {
        const held = this.held[i]!;
        if (seqDiff(held.seq, end) >= 0) break;
        if (seqDiff(held.seq, from) > 0) {
          freshParts[n++] = from;
          freshParts[n++] = held.seq;
        }
        if (seqDiff(endOf(held), from) > 0) from = endOf(held);
      }
      this.compareWithHeld(seq, seqDiff(end, seq), buf, offset, captured);
    }
    if (seqDiff(end, from) > 0) {
      freshParts[n++] = from;
      freshParts[n++] = end;
    }
    return n >> 1;
  }

  /** Bytes the fresh parts would be charged. */
  private costOf(parts: number, seq: number, captured: number): number {
    let cost = parts * SEGMENT_OVERHEAD;
    for (let p = 0; p < parts; p++) cost += this.capturedIn(freshParts[2 * p]!, freshParts[2 * p + 1]!, seq, captured);
    return cost;
  }

  /** How many captured bytes of a segment (seq, captured) lie in [from, to). */
  private capturedIn(from: number, to: number, seq: number, captured: number): number {
    const capturedEnd = (seq + captured) | 0;
    const stop = seqDiff(to, capturedEnd) < 0 ? to : capturedEnd;
    return Math.max(seqDiff(stop, from), 0);
  }

  /**
   * Gives up the oldest holes until `parts` more segments costing `cost` fit, or the segment
   * at `seq` is reached. True when the segment is still ahead and fits.
   */
  private makeRoom(seq: number, cost: number, parts: number): boolean {
    if (this.fits(cost, parts)) return true;
    const account = this.budget.account;
    const overAccount = account.over;
    if (!overAccount) this.budget.streamLimitHits++;
    const heldBefore = this.heldSegments;
    while (this.heldSegments > 0 && !this.fits(cost, parts)) {
      const first = this.held[this.head]!;
      if (seqDiff(first.seq, seq) > 0) break; // the segment lies in the oldest hole: give up to it
      this.giveUpTo(first.seq);
      this.drain();
    }
    const fits = seqDiff(seq, this.nextSeq) > 0 && this.fits(cost, parts);
    if (overAccount) account.countShed(MemoryKind.OutOfOrder, heldBefore - this.heldSegments + (fits ? 0 : 1));
    return fits;
  }

  private fits(cost: number, parts: number): boolean {
    const { limits, account } = this.budget;
    return !account.over && this.heldSegments + parts <= limits.segments && this.heldCost + cost <= limits.bytes;
  }

  /** Holds copies of the fresh parts of a segment. */
  private hold(parts: number, seq: number, end: number, fin: boolean, buf: Buffer, offset: number, captured: number): void {
    for (let p = 0; p < parts; p++) {
      const from = freshParts[2 * p]!;
      const to = freshParts[2 * p + 1]!;
      const length = this.capturedIn(from, to, seq, captured);
      let data = NO_BYTES;
      if (length > 0) {
        data = Buffer.allocUnsafeSlow(length);
        const start = offset + seqDiff(from, seq);
        buf.copy(data, 0, start, start + length);
      }
      const withFin = fin && to === end;
      const segment: HeldSegment = { seq: from, data, wireLength: seqDiff(to, from) - (withFin ? 1 : 0), fin: withFin, cost: length + SEGMENT_OVERHEAD };
      this.insert(segment);
    }
  }

  private insert(segment: HeldSegment): void {
    const held = this.held;
    const last = held.length > this.head ? held[held.length - 1]! : null;
    if (last === null || seqDiff(segment.seq, last.seq) > 0) {
      held.push(segment);
    } else {
      // Shifted by hand: splice allocates an array of removed elements on every call.
      const at = this.firstEndingAfter(segment.seq);
      for (let i = held.length; i > at; i--) held[i] = held[i - 1]!;
      held[at] = segment;
    }
    this.heldCost += segment.cost;
    this.budget.account.charge(MemoryKind.OutOfOrder, segment.cost);
  }

  /** Index of the first held segment that ends after `seq` (binary search: held segments are sorted, disjoint). */
  private firstEndingAfter(seq: number): number {
    const held = this.held;
    let lo = this.head;
    let hi = held.length;
    if (hi > lo && seqDiff(endOf(held[hi - 1]!), seq) <= 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seqDiff(endOf(held[mid]!), seq) > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Skips to `seq` because a limit was reached: the hole is given up, and counted. */
  private giveUpTo(seq: number): void {
    const hole = seqDiff(seq, this.nextSeq);
    if (hole <= 0) return;
    this.givenUpBytes += hole;
    this.budget.givenUpBytes += hole;
    this.skipTo(seq);
  }

  private skipTo(seq: number): void {
    const hole = seqDiff(seq, this.nextSeq);
    if (hole <= 0) return;
    this.missingBytes += hole;
    this.receiver.gap(hole);
    this.nextSeq = seq | 0;
  }

  /** Delivers every held segment with gaps for the holes; `givenUp`: the holes are counted as given up. */
  private deliverHeld(givenUp: boolean): void {
    while (this.heldSegments > 0) {
      const seq = this.held[this.head]!.seq;
      if (givenUp) this.giveUpTo(seq);
      else this.skipTo(seq);
      this.drain();
    }
  }

  /** Delivers held segments that are now contiguous. */
  private drain(): void {
    while (this.heldSegments > 0) {
      const first = this.held[this.head]!;
      const offset = seqDiff(first.seq, this.nextSeq);
      if (offset > 0) return;
      this.removeFirst();
      const overlap = -offset;
      const fresh = first.wireLength - overlap;
      if (fresh > 0) this.deliver(first.data, overlap, first.data.length - overlap, fresh);
      if (first.fin) this.reachFin();
    }
  }

  private removeFirst(): void {
    const first = this.held[this.head]!;
    this.held[this.head++] = null;
    this.heldCost -= first.cost;
    this.budget.account.release(MemoryKind.OutOfOrder, first.cost);
    if (this.head === this.held.length) {
      this.held.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.held.length) {
      const held = this.held;
      const live = held.length - this.head;
      for (let i = 0; i < live; i++) held[i] = held[this.head + i]!;
      held.length = live;
      this.head = 0;
    }
  }

  /** Counts a conflict when the segment's captured bytes differ from held bytes of the same range. */
  private compareWithHeld(seq: number, span: number, buf: Buffer, offset: number, captured: number): void {
    const end = (seq + span) | 0;
    for (let i = this.firstEndingAfter(seq); i < this.held.length; i++) {
      const held = this.held[i]!;
      if (seqDiff(held.seq, end) >= 0) return;
      const from = seqDiff(seq, held.seq);
      const overlapStart = Math.max(from, 0);
      const overlapEnd = Math.min(held.data.length, from + captured);
      if (overlapEnd <= overlapStart) continue;
      const a = offset + overlapStart - from;
      if (buf.compare(held.data, overlapStart, overlapEnd, a, a + overlapEnd - overlapStart) !== 0) {
        this.overlapConflicts++;
        return;
      }
    }
  }
}
