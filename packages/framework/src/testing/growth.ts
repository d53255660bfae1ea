/**
 * For tests that show a cost grows linearly: time a job at size N and 2N (after a warm-up
 * run), best of a few runs each, and compare.
 */

/**
 * The fastest of `runs` runs of `job`, in CPU milliseconds: CPU time rather than wall time, so
 * that other processes on a busy machine do not count.
 */
export function bestTime(job: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    job();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** The ratio the linear-growth tests accept: 2 for linear, with room for noise. */
export const LINEAR_RATIO = 2.6;

/**
 * time(2n) / time(n) for `job(size)`, after one warm-up run at n: the best of `runs` runs
 * each, the two sizes taking turns so that a burst of load elsewhere hits both alike. On a
 * shared machine one measurement can still be unlucky, so up to five are made, stopping at
 * the first within LINEAR_RATIO; the lowest is returned, with both times, for messages. A
 * quadratic cost stays above it every time.
 */
export function growth(job: (size: number) => void, n: number, runs = 3): { ratio: number; small: number; large: number } {
  job(n);
  let best = { ratio: Infinity, small: 0, large: 0 };
  for (let attempt = 0; attempt < 5 && best.ratio > LINEAR_RATIO; attempt++) {
    let small = Infinity;
    let large = Infinity;
    for (let i = 0; i < runs; i++) {
      small = Math.min(small, bestTime(() => job(n), 1));
      large = Math.min(large, bestTime(() => job(2 * n), 1));
    }
    if (large / small < best.ratio) best = { ratio: large / small, small, large };
  }
  return best;
}
