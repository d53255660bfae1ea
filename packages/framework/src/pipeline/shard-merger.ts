import type { ShardBatch, ShardResult } from './shard-collector.js';
import type { Statistics } from './statistics.js';

/** A result as the merger holds it: its output's pieces in the batch's bytes. */
interface HeldResult extends ShardResult {
  output: Uint8Array;
  /** Where its first piece starts in `output`. */
  start: number;
}

/** One worker's results not yet released, its watermark, and the first frames of its sessions. */
class ShardQueue {
  results: HeldResult[] = [];
  next = 0;
  watermark = 0;
  /** Every session's first frame, ascending (for the ids). */
  creations: number[] = [];

  get head(): HeldResult | undefined {
    return this.results[this.next];
  }

  take(batch: ShardBatch): void {
    if (this.next === this.results.length) {
      this.results = [];
      this.next = 0;
    }
    let start = 0;
    for (const r of batch.results) {
      const held = r as HeldResult;
      held.output = batch.output;
      held.start = start;
      for (const length of r.pieces) start += length;
      this.results.push(held);
    }
    for (const c of batch.creations) this.creations.push(c);
    this.watermark = batch.watermark;
  }

  /** How many of its sessions were created before frame `frame`. */
  createdBefore(frame: number): number {
    const list = this.creations;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid]! < frame) low = mid + 1;
      else high = mid;
    }
    return low;
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

  constructor(
    count: number,
    private readonly stats: Statistics,
    /** How the output writes an id (`0042` in the pretty layout). */
    private readonly idText: (id: number) => string,
    /** Writes a released session's output (`bytes` in all); `shard` is told once it is written. */
    private readonly write: (chunks: Uint8Array[], bytes: number, shard: number) => void,
  ) {
    this.shards = Array.from({ length: count }, () => new ShardQueue());
  }

  take(shard: number, batch: ShardBatch): void {
    this.shards[shard]!.take(batch);
    this.release();
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
    let at = result.start;
    result.pieces.forEach((length, i) => {
      if (i > 0) chunks.push(idBytes);
      chunks.push(result.output.subarray(at, at + length));
      at += length;
    });
    this.write(chunks, at - result.start + idBytes.length * (result.pieces.length - 1), shard);
  }
}
