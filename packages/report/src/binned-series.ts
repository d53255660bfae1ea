/** The narrowest bin, in seconds. */
const FINEST = 0.001;
/**
 * The narrowest bin relative to the times: bins of at least 2^-44 of the start keep the
 * bins' times (start + i·width) distinct numbers, whatever the start (1e13 s: 4 ms apart).
 */
const FINEST_RELATIVE = 2 ** -44;

/**
 * Counts over time in bins, for any number of columns, in at most `maxBins` bins. Bins start
 * at a millisecond and widen as the capture goes on (1, 2, 10, 20, 100, 200 ms, 1 s, 2 s,
 * 10 s...: each width a whole multiple of the one before, so bins merge), so a short capture
 * still has a curve and a long one keeps memory and the page's points bounded. Adding
 * allocates nothing.
 */
export class BinnedSeries {
  /** The first time seen, to the second (the bins' origin), null before it. */
  start: number | null = null;
  /** Seconds per bin. */
  width = FINEST;
  /** Bins in use (the last non-empty one + 1). */
  length = 0;
  private readonly columns: Float64Array[];
  /** Widenings so far: odd ones multiply by 5, even ones by 2. */
  private widenings = 0;

  constructor(
    columns: number,
    readonly maxBins = 600,
  ) {
    this.columns = Array.from({ length: columns }, () => new Float64Array(maxBins));
  }

  add(column: number, time: number, amount = 1): void {
    if (!Number.isFinite(time)) return;
    if (this.start === null) {
      this.start = Math.floor(time);
      while (this.width < Math.abs(this.start) * FINEST_RELATIVE) this.widen();
    }
    // A time before the first (a capture's clock stepping back) counts in the first bin.
    let index = Math.max(0, Math.floor((time - this.start) / this.width));
    while (index >= this.maxBins) {
      this.widen();
      index = Math.floor((time - this.start) / this.width);
    }
    this.columns[column]![index]! += amount;
    if (index >= this.length) this.length = index + 1;
  }

  /** A column's bins in use, as a plain array. */
  values(column: number): number[] {
    return Array.from(this.columns[column]!.subarray(0, this.length));
  }

  /** Bins `factor` times as wide: bin i holds what bins factor·i to factor·i + factor - 1 held. */
  private widen(): void {
    const factor = this.widenings++ % 2 === 0 ? 2 : 5;
    for (const column of this.columns) {
      for (let i = 0; i < Math.ceil(this.length / factor); i++) {
        let sum = 0;
        for (let j = factor * i; j < Math.min(factor * (i + 1), this.length); j++) sum += column[j]!;
        column[i] = sum;
      }
      column.fill(0, Math.ceil(this.length / factor));
    }
    this.width = Math.round(this.width * factor * 1000) / 1000;
    this.length = Math.ceil(this.length / factor);
  }
}
