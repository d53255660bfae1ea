import { seqDiff as frameworkSeqDiff } from '@pakeana/framework';

// Read once: the framework's re-exports are getters, too slow for the per-segment path.
const seqDiff = frameworkSeqDiff;

/** Distinct sequence numbers remembered per direction; the oldest is forgotten first. */
export const REMEMBERED = 1024;
/** Half the sequence space: `seqDiff` orders two seqs only when they are closer than this. */
const HALF = 2 ** 31;

/**
 * When each sequence number was first sent, for the last REMEMBERED distinct ones: a ring of
 * (seq, time) pairs, in which an in-order segment is stored without a search. Rather than a
 * Map (hashing, a heap number per entry), two arrays of numbers, which V8 stores unboxed and
 * grows on demand; rather than typed arrays, because most sessions are short, and a typed
 * array over 64 bytes costs a separate allocation outside the heap that is slower than all
 * the Map's work for such a session.
 */
export class SendTimes {
  private readonly seqs: number[] = [];
  private readonly times: number[] = [];
  /** Slot of the oldest pair once the ring is full (before that, slots fill in order). */
  private oldest = 0;
  /** The highest seq remembered so far: where `reach` is measured from. */
  private top = 0;
  /**
   * How far below `top` remembered seqs lie at most, or HALF if unknown. While it is below
   * HALF, a seq above `top` by less than HALF - reach is certainly not remembered.
   */
  private reach = HALF;

  /** Remembers that `seq` was sent at `time`, unless `seq` is remembered already. */
  remember(seq: number, time: number): void {
    const ahead = seqDiff(seq, this.top);
    if (ahead > 0 && this.reach + ahead < HALF) {
      this.top = seq;
      this.reach += ahead;
      this.append(seq, time);
    } else if (!this.seqs.includes(seq)) {
      // Out of order, or the bound on `reach` ran out: measure it again.
      if (ahead > 0 || this.seqs.length === 0) this.top = seq;
      this.append(seq, time);
      this.reach = this.measureReach();
    }
  }

  /** When the segment holding `seq` was first sent: the latest start at or below it. */
  originalTime(seq: number): number | undefined {
    let best: number | undefined;
    let bestDistance = Infinity;
    for (let i = 0; i < this.seqs.length; i++) {
      const distance = seqDiff(seq, this.seqs[i]);
      if (distance >= 0 && distance < bestDistance) {
        best = this.times[i];
        bestDistance = distance;
      }
    }
    return best;
  }

  private append(seq: number, time: number): void {
    let slot = this.seqs.length;
    if (slot === REMEMBERED) {
      slot = this.oldest;
      this.oldest = (slot + 1) % REMEMBERED;
    }
    this.seqs[slot] = seq;
    this.times[slot] = time;
  }

  private measureReach(): number {
    let reach = 0;
    for (const seq of this.seqs) reach = Math.max(reach, (this.top - seq) >>> 0);
    return Math.min(reach, HALF);
  }
}
