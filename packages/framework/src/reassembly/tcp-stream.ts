/**
 * One direction of a TCP connection, reassembled into ordered bytes.
 *
 * The stream calls its `StreamReceiver`, in order:
 *   1. `data` zero or more times with bytes in stream order, each byte once. In-order
 *      payload is handed on as a view of the captured packet (no copy): it is only valid
 *      during the call. Only segments that arrive ahead of a hole are copied and buffered.
 *   2. `gap` where bytes were never seen (lost before the capture point, cut by the snap
 *      length, or given up on because of memory limits), between data calls, in order.
 *   3. `end` at most once, when the stream's FIN or a RST was reached in sequence.
 *
 * Sequence numbers are compared modulo 2^32 (`seqDiff`), so streams may wrap around.
 * A stream whose SYN was not seen (the connection was open when the capture began)
 * starts at the first byte it sees.
 *
 * Overlap policy: the first bytes seen for a sequence range win; a retransmission never
 * rewrites what was delivered. Where a retransmission overlaps bytes still buffered and
 * differs from them, `overlapConflicts` counts it.
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
  /** Payload beyond a hole: buffered (or forced through with a gap when over the memory limit). */
  Ahead: 2,
  /** Payload that fills a hole below bytes already seen. */
  FillsHole: 3,
  /** Every byte (or SYN/FIN) was seen before. */
  Retransmission: 4,
  /** Some bytes seen before, some new. */
  PartialRetransmission: 5,
} as const;
export type SegmentClass = (typeof SegmentClass)[keyof typeof SegmentClass];

/** Signed distance a - b between two 32-bit sequence numbers. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Budget for bytes buffered out of order, shared by every stream of a run. */
export class BufferBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

interface BufferedSegment {
  seq: number;
  /** The captured bytes (a copy). */
  data: Buffer;
  /** Bytes the segment carried on the wire (more than data.length when truncated). */
  wireLength: number;
  fin: boolean;
}

const NO_RECEIVER: StreamReceiver = { data() {}, gap() {}, end() {} };

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
  /** Buffered bytes that differed from a retransmission of them. */
  overlapConflicts = 0;
  private buffered: BufferedSegment[] = [];
  private bufferedBytes = 0;

  constructor(
    private readonly budget: BufferBudget,
    public receiver: StreamReceiver = NO_RECEIVER,
  ) {}

  /** Bytes held out of order right now. */
  get heldBytes(): number {
    return this.bufferedBytes;
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
    else if (!this.started) this.startMidStream(seq);
    this.started = true;
    const dataSeq = syn ? (seq + 1) | 0 : seq;
    const end = (dataSeq + wireLength + (fin ? 1 : 0)) | 0;
    const wasHigh = this.highSeq;
    if (seqDiff(end, this.highSeq) > 0) this.highSeq = end;
    if (wireLength === 0 && !fin) return repeatedSyn ? SegmentClass.Retransmission : SegmentClass.Empty;
    if (fin) this.noteFin((dataSeq + wireLength) | 0);

    const offset = seqDiff(dataSeq, this.nextSeq);
    if (offset > 0) return this.ahead(dataSeq, fin, buf, payloadOffset, payloadLength, wireLength);
    const overlap = -offset;
    const fresh = wireLength - overlap;
    if (fresh <= 0 && !(fin && !this.finished && fresh === 0)) return SegmentClass.Retransmission;
    this.deliver(buf, payloadOffset + overlap, payloadLength - overlap, fresh);
    if (fin) this.reachFin();
    this.drain();
    if (overlap > 0) return SegmentClass.PartialRetransmission;
    return seqDiff(end, wasHigh) < 0 ? SegmentClass.FillsHole : SegmentClass.InOrder;
  }

  /**
   * The peer acknowledged `ack`: bytes below it reached the peer, so a hole below it will
   * never be filled in this capture. Skip it and deliver what was buffered behind it.
   */
  acknowledged(ack: number): void {
    if (this.buffered.length === 0 || !this.started) return;
    while (this.buffered.length > 0) {
      const first = this.buffered[0]!;
      if (seqDiff(ack, first.seq) < 0) return;
      this.skipTo(first.seq);
      this.drain();
    }
  }

  /** End of input or session: deliver everything buffered, with gaps for the holes. */
  flush(): void {
    while (this.buffered.length > 0) {
      this.skipTo(this.buffered[0]!.seq);
      this.drain();
    }
  }

  /** Forgets buffered bytes without delivering them, and the receiver (the session is finished). */
  discard(): void {
    this.budget.used -= this.bufferedBytes;
    this.bufferedBytes = 0;
    this.buffered.length = 0;
    this.receiver = NO_RECEIVER;
  }

  private onSyn(seq: number): void {
    this.synSeen = true;
    this.isn = seq;
    if (!this.started || this.bytes === 0) {
      this.nextSeq = (seq + 1) | 0;
      this.highSeq = this.nextSeq;
    }
  }

  private startMidStream(seq: number): void {
    this.nextSeq = seq;
    this.highSeq = seq;
  }

  private noteFin(finSeq: number): void {
    if (!this.finSeen) {
      this.finSeen = true;
      this.finSeq = finSeq;
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

  private ahead(
    seq: number,
    fin: boolean,
    buf: Buffer,
    payloadOffset: number,
    payloadLength: number,
    wireLength: number,
  ): SegmentClass {
    if (this.budget.used + payloadLength > this.budget.limit) {
      // Over the memory limit: give up on the hole rather than hold more.
      this.flush();
      this.skipTo(seq);
      this.deliver(buf, payloadOffset, payloadLength, wireLength);
      if (fin) this.reachFin();
      return SegmentClass.Ahead;
    }
    if (this.compareWithBuffered(seq, buf, payloadOffset, Math.min(payloadLength, wireLength))) {
      return SegmentClass.Retransmission;
    }
    const data = Buffer.from(buf.subarray(payloadOffset, payloadOffset + Math.min(payloadLength, wireLength)));
    this.insertBuffered({ seq, data, wireLength, fin });
    return SegmentClass.Ahead;
  }

  private insertBuffered(segment: BufferedSegment): void {
    let i = this.buffered.length;
    while (i > 0 && seqDiff(this.buffered[i - 1]!.seq, segment.seq) > 0) i--;
    this.buffered.splice(i, 0, segment);
    this.bufferedBytes += segment.data.length;
    this.budget.used += segment.data.length;
  }

  private skipTo(seq: number): void {
    const hole = seqDiff(seq, this.nextSeq);
    if (hole <= 0) return;
    this.missingBytes += hole;
    this.receiver.gap(hole);
    this.nextSeq = seq;
  }

  /** Delivers buffered segments that are now contiguous. */
  private drain(): void {
    while (this.buffered.length > 0) {
      const first = this.buffered[0]!;
      const offset = seqDiff(first.seq, this.nextSeq);
      if (offset > 0) return;
      this.buffered.shift();
      this.bufferedBytes -= first.data.length;
      this.budget.used -= first.data.length;
      const overlap = -offset;
      const fresh = first.wireLength - overlap;
      if (fresh > 0) this.deliver(first.data, overlap, first.data.length - overlap, fresh);
      if (first.fin) this.reachFin();
    }
  }

  /**
   * Compares a segment ahead of the stream with the bytes already buffered: counts overlaps
   * whose bytes differ, and returns true when one buffered segment already holds all of it.
   */
  private compareWithBuffered(seq: number, buf: Buffer, offset: number, length: number): boolean {
    let covered = false;
    for (const held of this.buffered) {
      const from = seqDiff(seq, held.seq);
      const overlapStart = Math.max(from, 0);
      const overlapEnd = Math.min(held.data.length, from + length);
      if (overlapEnd <= overlapStart) continue;
      const a = offset + overlapStart - from;
      if (buf.compare(held.data, overlapStart, overlapEnd, a, a + overlapEnd - overlapStart) !== 0) this.overlapConflicts++;
      if (from >= 0 && from + length <= held.data.length) covered = true;
    }
    return covered;
  }
}
