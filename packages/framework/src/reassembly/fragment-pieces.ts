/** Bytes of one datagram's payload held at `start`; `end` is start + data.length. */
interface Piece {
  start: number;
  end: number;
  data: Buffer;
}

/**
 * Estimated heap cost of one piece beyond its bytes: the Piece object, the Buffer object and
 * its array slot (measured on Node 20: 100k pieces of 8-byte copies after `global.gc()`).
 */
export const PIECE_OVERHEAD = 160;

/**
 * The payload bytes of one IP datagram received so far, as non-overlapping pieces sorted by
 * offset. Where a fragment overlaps bytes already held, the bytes held stay (first-arrived
 * wins) and only the fragment's new bytes are copied, so `covered` grows incrementally and the
 * datagram is complete when it equals the payload length. A fragment is placed by binary
 * search: a duplicate costs O(log n) plus comparing its bytes; new bytes cost one splice, which
 * moves the pieces after them (at most the defragmenter's `fragmentsPerDatagram`).
 */
export class FragmentPieces {
  private readonly pieces: Piece[] = [];
  /** Payload bytes held (each byte once). */
  covered = 0;

  /** What the pieces cost in memory: their bytes and the per-piece overhead. */
  get memoryBytes(): number {
    return this.covered + this.pieces.length * PIECE_OVERHEAD;
  }

  /**
   * Adds `data` at payload offset `offset`, keeping the bytes already held where it overlaps
   * them. Returns true when an overlapped byte differs from the one held (a conflict).
   */
  add(offset: number, data: Buffer): boolean {
    const end = offset + data.length;
    const pieces = this.pieces;
    const first = this.firstEndingAfter(offset);
    let conflict = false;
    let cursor = offset;
    let next = first;
    let merged: Piece[] | null = null;
    for (; next < pieces.length && pieces[next]!.start < end; next++) {
      const held = pieces[next]!;
      if (held.start > cursor) (merged ??= pieces.slice(first, next)).push(this.copy(data, offset, cursor, held.start));
      merged?.push(held);
      if (!conflict) conflict = differs(data, offset, held);
      cursor = held.end;
    }
    if (cursor < end) (merged ??= pieces.slice(first, next)).push(this.copy(data, offset, cursor, end));
    if (merged) pieces.splice(first, next - first, ...merged);
    return conflict;
  }

  /** Drops the bytes at and beyond `end`; returns true when there were any. */
  truncate(end: number): boolean {
    const pieces = this.pieces;
    let keep = this.firstEndingAfter(end);
    if (keep === pieces.length) return false;
    const cut = pieces[keep]!;
    if (cut.start < end) {
      pieces[keep++] = { start: cut.start, end, data: Buffer.from(cut.data.subarray(0, end - cut.start)) };
      this.covered -= cut.end - end;
    }
    for (let i = keep; i < pieces.length; i++) this.covered -= pieces[i]!.data.length;
    pieces.length = keep;
    return true;
  }

  /** Writes every piece into `out`, payload offset 0 at `base`. */
  copyTo(out: Buffer, base: number): void {
    for (const piece of this.pieces) piece.data.copy(out, base + piece.start);
  }

  /** Index of the first piece that ends after `offset` (pieces.length when none). */
  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pieces[mid]!.end > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A new piece with a copy of data's bytes for payload [from, to). */
  private copy(data: Buffer, offset: number, from: number, to: number): Piece {
    this.covered += to - from;
    return { start: from, end: to, data: Buffer.from(data.subarray(from - offset, to - offset)) };
  }
}

/** True when `data` (at payload `offset`) and `held` disagree on a byte they both cover. */
function differs(data: Buffer, offset: number, held: Piece): boolean {
  const from = Math.max(offset, held.start);
  const to = Math.min(offset + data.length, held.end);
  return data.compare(held.data, from - held.start, to - held.start, from - offset, to - offset) !== 0;
}
