import type { FlowEntry } from './flow-entry.js';

/**
 * A first-in first-out list of flow entries linked through the entries themselves
 * (`waitPrev`/`waitNext`), so that an entry leaves it in O(1) wherever it is and nothing is
 * kept alive once the flow table forgets it. An entry is in at most one queue: the tracker's
 * closing sessions waiting out their linger, or its tombstones.
 */
export class SessionQueue<E extends FlowEntry> {
  private head: E | null = null;
  private tail: E | null = null;
  size = 0;

  get first(): E | null {
    return this.head;
  }

  has(entry: E): boolean {
    return entry.queue === (this as SessionQueue<FlowEntry>);
  }

  push(entry: E): void {
    entry.queue?.remove(entry);
    entry.queue = this as SessionQueue<FlowEntry>;
    entry.waitPrev = this.tail;
    entry.waitNext = null;
    if (this.tail) this.tail.waitNext = entry;
    else this.head = entry;
    this.tail = entry;
    this.size++;
  }

  /** `by` takes `entry`'s place in the queue. */
  replace(entry: E, by: E): void {
    by.queue = entry.queue;
    by.waitPrev = entry.waitPrev;
    by.waitNext = entry.waitNext;
    if (entry.waitPrev) entry.waitPrev.waitNext = by;
    else this.head = by;
    if (entry.waitNext) entry.waitNext.waitPrev = by;
    else this.tail = by;
    entry.queue = null;
    entry.waitPrev = entry.waitNext = null;
  }

  remove(entry: FlowEntry): void {
    if (entry.queue !== (this as SessionQueue<FlowEntry>)) return;
    if (entry.waitPrev) entry.waitPrev.waitNext = entry.waitNext;
    else this.head = entry.waitNext as E | null;
    if (entry.waitNext) entry.waitNext.waitPrev = entry.waitPrev;
    else this.tail = entry.waitPrev as E | null;
    entry.waitPrev = entry.waitNext = null;
    entry.queue = null;
    this.size--;
  }
}
