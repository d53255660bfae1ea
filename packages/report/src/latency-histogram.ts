import type { LatencyGroup } from './report-data.js';

/** Buckets per decade: each bucket is 10^(1/20) ≈ 12% wider than the one before. */
const PER_DECADE = 20;
/** From 10 µs (everything below counts in the first bucket) to 1000 s (the last one holds all above). */
const LOWEST = 1e-5;
const DECADES = 8;
const BUCKETS = PER_DECADE * DECADES;

/** Each bucket's upper edge, in seconds. */
export const LATENCY_EDGES: readonly number[] = Array.from({ length: BUCKETS }, (_, i) => LOWEST * 10 ** ((i + 1) / PER_DECADE));

/**
 * Response times in logarithmic buckets: fixed memory whatever the number of exchanges, and
 * percentiles to within a bucket (12%), which is what a latency distribution is read for.
 */
export class LatencyHistogram {
  readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;

  add(seconds: number): void {
    const index = Math.min(BUCKETS - 1, Math.max(0, Math.ceil(Math.log10(seconds / LOWEST) * PER_DECADE) - 1));
    this.counts[index]!++;
    this.count++;
    if (seconds > this.max) this.max = seconds;
  }

  /**
   * The upper edge of the bucket holding the `q` quantile (0 < q <= 1), capped by the maximum;
   * the maximum in the last bucket, which has no upper edge.
   */
  quantile(q: number): number {
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS - 1; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(LATENCY_EDGES[i]!, this.max);
    }
    return this.max;
  }

  summary(kind: LatencyGroup['kind'], name: string): LatencyGroup {
    return { kind, name, count: this.count, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), max: this.max };
  }
}

/**
 * One histogram per name (hosts, path prefixes), for the first `maxNames` names; exchanges of
 * later names go to `otherName`, so a capture with a million hosts stays bounded.
 */
export class LatencyByName {
  private readonly byName = new Map<string, LatencyHistogram>();
  private other: LatencyHistogram | null = null;

  constructor(
    private readonly kind: 'host' | 'path',
    private readonly otherName: string,
    private readonly maxNames = 30,
  ) {}

  add(name: string, seconds: number): void {
    let histogram = this.byName.get(name);
    if (!histogram) {
      if (this.byName.size < this.maxNames) this.byName.set(name, (histogram = new LatencyHistogram()));
      else histogram = this.other ??= new LatencyHistogram();
    }
    histogram.add(seconds);
  }

  /** Groups by decreasing count, the others last; none when there is only one name (the overall group says it). */
  groups(): LatencyGroup[] {
    if (this.byName.size + (this.other ? 1 : 0) < 2) return [];
    const named = [...this.byName].sort((a, b) => b[1].count - a[1].count).map(([name, h]) => h.summary(this.kind, name));
    return this.other ? [...named, this.other.summary(this.kind, this.otherName)] : named;
  }
}
