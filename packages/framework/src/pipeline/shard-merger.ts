import type { ShardBatch, ShardResult } from './shard-collector.js';
import type { Statistics } from './statistics.js';

/** A batch's output, and how many of its reported results are still to be written. */
interface HeldOutput {
  bytes: Uint8Array<ArrayBuffer>;
  unwritten: number;
}

/** A result as the merger holds it: its output's pieces in the batch's bytes. */
interface HeldResult extends ShardResult {
  output: HeldOutput;
  /** Where its first piece starts in the batch's bytes. */
  start: number;
}

/** Where the merged output goes. */
export interface MergedOutput {
  /** A released session's output, `bytes` in all, from `shard`, which charged `charged` of them (its pieces, without the ids). */
  write(chunks: Uint8Array[], bytes: number, charged: number, shard: number): void;
  /** A batch's bytes are no longer read (its reported sessions were all written). */
  spent(bytes: Uint8Array<ArrayBuffer>, shard: number): void;
}

/** How many creations come in between two trims of the lists (see `ShardMerger.trimCreations`). */
const TRIM_EVERY = 65_536;

/** One worker's results not yet released, its watermark, and the first frames of its sessions. */
class ShardQueue {
  results: HeldResult[] = [];
  next = 0;
  watermark = 0;
  oldestOpen = 0;
  /** The first frames of its sessions, ascending (for the ids), but for the `trimmed` first ones. */
  creations: number[] = [];
  trimmed = 0;

  get head(): HeldResult | undefined {
    return this.results[this.next];
  }

  /** Holds the batch's results; false when none of them is reported (its bytes are spent at once). */
  take(batch: ShardBatch): boolean {
    // Released results are dropped once they are half the list: a share that runs ahead of the
    // others never drains its list, which must not keep every result it ever sent.
    if (this.next * 2 >= this.results.length) {
      this.results = this.results.slice(this.next);
      this.next = 0;
    }
    const output: HeldOutput = { bytes: batch.output, unwritten: 0 };
    let start = 0;
    for (const r of batch.results) {
      const held = r as HeldResult;
      held.output = output;
      held.start = start;
      for (const length of r.pieces) start += length;
      if (r.reported) output.unwritten++;
      this.results.push(held);
    }
    for (const c of batch.creations) this.creations.push(c);
    this.watermark = batch.watermark;
    this.oldestOpen = batch.oldestOpen;
    return output.unwritten > 0;
  }

  /** The first frame of the oldest session a result may still come for: open, or finished and held. */
  oldestPending(): number {
    let oldest = this.oldestOpen;
    for (let i = this.next; i < this.results.length; i++) oldest = Math.min(oldest, this.results[i]!.creation);
    return oldest;
  }

  /** Forgets the first frames before `frame`, keeping their count. */
  trim(frame: number): void {
    const count = this.createdBefore(frame) - this.trimmed;
    this.creations = this.creations.slice(count);
    this.trimmed += count;
  }

  /** How many of its sessions were created before frame `frame` (no earlier than the last trim's). */
  createdBefore(frame: number): number {
    const list = this.creations;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid]! < frame) low = mid + 1;
      else high = mid;
    }
    return this.trimmed + low;
  }
}

/** Whether `a` finished before `b` in one thread. */
function before(a: ShardResult, b: ShardResult): boolean {
  if (a.frame !== b.frame) return a.frame < b.frame;
  if (a.stage !== b.stage) return a.stage < b.stage;
  return a.order < b.order;
}

/**
 * The main thread's end of a run split by flows: merges the workers' results into the order
 * one thread would have finished the sessions in, gives each its id (its rank in creation
 * order over all workers), writes the reported ones, and counts what the summary counts in
 * that order. A result is released once every worker is past its frame: each worker's results
 * come in order, so the smallest head is next when every worker has one or is past it.
 */
export class ShardMerger {
  private readonly shards: ShardQueue[];
  private creationsSinceTrim = 0;

  constructor(
    count: number,
    private readonly stats: Statistics,
    /** How the output writes an id (`0042` in the pretty layout). */
    private readonly idText: (id: number) => string,
    private readonly out: MergedOutput,
    /** Creations between two trims (tests trim at every batch). */
    private readonly trimEvery = TRIM_EVERY,
  ) {
    this.shards = Array.from({ length: count }, () => new ShardQueue());
  }

  take(shard: number, batch: ShardBatch): void {
    if (!this.shards[shard]!.take(batch)) this.out.spent(batch.output, shard);
    this.release();
    this.creationsSinceTrim += batch.creations.length;
    if (this.creationsSinceTrim >= this.trimEvery) this.trimCreations();
  }

  /**
   * A result's id counts the sessions created before it, so every session's first frame is
   * kept; but no result can come any more for a session older than every one still open or
   * held, and those are forgotten (their count kept): under a SYN flood the lists would
   * otherwise grow with every session of the run.
   */
  private trimCreations(): void {
    this.creationsSinceTrim = 0;
    let floor = Infinity;
    for (const s of this.shards) floor = Math.min(floor, s.oldestPending());
    if (floor === Infinity) return;
    for (const s of this.shards) s.trim(floor);
  }

  /** Every worker has read its input to the end. */
  get inputDone(): boolean {
    return this.shards.every((s) => s.watermark === Infinity);
  }

  private release(): void {
    for (;;) {
      const next = this.nextShard();
      if (next < 0) return;
      const queue = this.shards[next]!;
      const result = queue.head!;
      queue.next++;
      this.emit(result, next);
    }
  }

  /** The worker whose head is next in one thread's order, if every worker is known to be past it; -1 otherwise. */
  private nextShard(): number {
    let best = -1;
    for (let i = 0; i < this.shards.length; i++) {
      const head = this.shards[i]!.head;
      if (head && (best < 0 || before(head, this.shards[best]!.head!))) best = i;
    }
    if (best < 0) return -1;
    const frame = this.shards[best]!.head!.frame;
    for (const s of this.shards) if (s.head === undefined && s.watermark < frame) return -1;
    return best;
  }

  private emit(result: HeldResult, shard: number): void {
    const stats = this.stats;
    stats.countMarks(result.marks);
    if (!result.reported) return;
    stats.reported++;
    for (const name of result.triggers) stats.byTrigger[name] = (stats.byTrigger[name] ?? 0) + 1;
    let id = 1;
    for (const s of this.shards) id += s.createdBefore(result.creation);
    const idBytes = Buffer.from(this.idText(id));
    const chunks: Uint8Array[] = [];
    const { output } = result;
    let at = result.start;
    result.pieces.forEach((length, i) => {
      if (i > 0) chunks.push(idBytes);
      chunks.push(output.bytes.subarray(at, at + length));
      at += length;
    });
    this.out.write(chunks, at - result.start + idBytes.length * (result.pieces.length - 1), at - result.start, shard);
    if (--output.unwritten === 0) this.out.spent(output.bytes, shard);
  }
}
