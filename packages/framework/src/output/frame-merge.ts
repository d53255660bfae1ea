import type { StoredFrame } from '../sources/frame.js';

/** One added run of frames and the position of its next frame. */
interface Run {
  frames: StoredFrame[];
  next: number;
}

/**
 * Merges runs of frames into capture order (by frame index): a min-heap of runs keyed by the
 * index of each run's next frame. Adding a run of n frames and taking a frame cost O(log runs)
 * each (plus the run's own order check); nothing is copied or sorted again.
 */
export class FrameMerge {
  private readonly heap: Run[] = [];
  /** Frames held, all runs together. */
  size = 0;

  /** Adds a run (taken over, not copied). A run out of order is sorted first. */
  add(frames: StoredFrame[]): void {
    if (frames.length === 0) return;
    if (!inCaptureOrder(frames)) frames.sort((a, b) => a.index - b.index);
    this.size += frames.length;
    this.heap.push({ frames, next: 0 });
    this.siftUp(this.heap.length - 1);
  }

  /** Index of the next frame in capture order; Infinity when empty. */
  get nextIndex(): number {
    const top = this.heap[0];
    return top ? top.frames[top.next]!.index : Infinity;
  }

  /** Removes and returns the next frame in capture order (undefined when empty). */
  take(): StoredFrame | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const frame = top.frames[top.next++]!;
    this.size--;
    if (top.next === top.frames.length) {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return frame;
      this.heap[0] = last;
    }
    this.siftDown(0);
    return frame;
  }

  private key(at: number): number {
    const run = this.heap[at]!;
    return run.frames[run.next]!.index;
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.key(parent) <= this.key(at)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const n = this.heap.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) return;
      const child = left + 1 < n && this.key(left + 1) < this.key(left) ? left + 1 : left;
      if (this.key(at) <= this.key(child)) return;
      this.swap(at, child);
      at = child;
    }
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const run = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = run;
  }
}

/** Frames rebuilt from IP fragments join a session's list when the datagram completes, so a list can be out of order. */
function inCaptureOrder(frames: readonly StoredFrame[]): boolean {
  for (let i = 1; i < frames.length; i++) if (frames[i]!.index < frames[i - 1]!.index) return false;
  return true;
}
