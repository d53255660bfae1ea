/**
 * One account of the memory pakeana holds for the traffic it has seen, by kind.
 *
 * Every structure that grows with the traffic charges the account when it keeps something and
 * releases the same amount when it lets it go: the bytes it copies plus an estimate of the
 * objects that hold them (the `*_OVERHEAD` constants, measured with heap snapshots on Node 20).
 * The pipeline checks `over` before each packet and sheds load in a fixed order until the
 * account is at 90% of its limit again (Pipeline.shed); out-of-order streams also hold nothing
 * new while it is over. What was shed is counted in `shed`, by kind.
 */
export const MemoryKind = {
  /** Live sessions and the finished ones kept to absorb late packets (tombstones). */
  Sessions: 0,
  /** TCP segments held out of order, waiting for a hole to fill. */
  OutOfOrder: 1,
  /** IP fragments waiting for the rest of their datagram. */
  Fragments: 2,
  /** Frames kept for `--export`, in sessions and waiting to be written in order. */
  ExportFrames: 3,
  /** Dissector records, display lines and the pretty output's segment records. */
  Records: 4,
} as const;
export type MemoryKind = (typeof MemoryKind)[keyof typeof MemoryKind];

/** The kinds' names, as the summary and the JSON summary record print them. */
export const MEMORY_KIND_NAMES = ['sessions', 'outOfOrder', 'fragments', 'exportFrames', 'records'] as const;
export type MemoryKindName = (typeof MEMORY_KIND_NAMES)[number];

/** The default `limits.memory`: sized for a laptop. */
export const DEFAULT_MEMORY_LIMIT = 512 * 1024 * 1024;

/**
 * What one session costs while it is in the flow table, its observers included (measured:
 * heap growth over 100k SYN-only sessions with the default triggers, Node 20: 2.2 KB).
 */
export const SESSION_COST = 2048;

/** What a flow seen by one SYN costs while no second packet came (`SynEntry`: its object, the SYN's copy; measured). */
export const SYN_ENTRY_COST = 512;

/** What a finished session's tombstone costs (its object; the address words are shared). */
export const TOMBSTONE_COST = 160;

/** Heap per frame kept for export beyond its bytes: the StoredFrame, its Buffer and list slot (measured 179-205 B). */
export const STORED_FRAME_OVERHEAD = 200;

export function storedFrameCost(caplen: number): number {
  return caplen + STORED_FRAME_OVERHEAD;
}

/**
 * What a dissector record is charged: an HTTP exchange's record with its strings (measured);
 * records are not walked to size them, which would cost more than keeping them.
 */
export const RECORD_COST = 640;

/** A display line kept for the pretty output: its text (one byte a character) and its object. */
export function displayLineCost(text: string): number {
  return text.length + 96;
}

export class MemoryAccount {
  /** Bytes held now, all kinds together. */
  used = 0;
  /** The most ever held at once. */
  peak = 0;
  /** Bytes held now, by kind (indexed by MemoryKind). */
  readonly byKind: number[] = [0, 0, 0, 0, 0];
  /** Things given up to stay under the limit, by kind: sessions, segments, datagrams, frames, records. */
  readonly shed: number[] = [0, 0, 0, 0, 0];

  constructor(readonly limit: number = DEFAULT_MEMORY_LIMIT) {}

  charge(kind: MemoryKind, bytes: number): void {
    this.used += bytes;
    this.byKind[kind]! += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }

  release(kind: MemoryKind, bytes: number): void {
    this.used -= bytes;
    this.byKind[kind]! -= bytes;
  }

  /** True when the account holds more than its limit. */
  get over(): boolean {
    return this.used > this.limit;
  }

  /** Counts `count` things of `kind` given up to stay under the limit. */
  countShed(kind: MemoryKind, count = 1): void {
    this.shed[kind]! += count;
  }

  /** `{ sessions: n, ... }` with the kinds that were shed (for the summaries). */
  shedByName(): Partial<Record<MemoryKindName, number>> {
    const out: Partial<Record<MemoryKindName, number>> = {};
    MEMORY_KIND_NAMES.forEach((name, kind) => {
      if (this.shed[kind]! > 0) out[name] = this.shed[kind]!;
    });
    return out;
  }
}
