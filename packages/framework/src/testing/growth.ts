/**
 * For tests that show a cost grows linearly: time a job at size N and 2N (after a warm-up
 * run), best of a few runs each, and compare.
 */

/** The fastest of `runs` runs of `job`, in milliseconds. */
export function bestTime(job: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    job();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * time(2n) / time(n) for `job(size)`, after one warm-up run at n, best of `runs` each; with
 * both times, for messages. More runs for jobs that hold enough to make collections noisy.
 */
export function growth(job: (size: number) => void, n: number, runs = 3): { ratio: number; small: number; large: number } {
  job(n);
  const small = bestTime(() => job(n), runs);
  const large = bestTime(() => job(2 * n), runs);
  return { ratio: large / small, small, large };
}
