import { SUSPECT_AHEAD, TimerClock } from '@pakeana/framework/internal';
import type { BinnedSeries } from './binned-series.js';

/**
 * The report's series over capture time, without the times the framework's clock does not trust
 * (TimerClock: a lone timestamp far from the others, years off in broken pcapng files), which
 * would stretch the time axis over years. The clock judges a time at the packets after it: what
 * is counted at a time it has not judged yet waits until it has.
 */
export class TimeAxis {
  /** Amounts of `leftOutColumn` left out: their time was an outlier. */
  leftOut = 0;
  /** The earliest and the latest time on the axis, null before one. */
  first: number | null = null;
  last: number | null = null;
  private readonly clock = new TimerClock(SUSPECT_AHEAD, { timestampOutliers: 0 });
  private readonly waiting = new Map<number, Float64Array>();

  constructor(
    private readonly series: BinnedSeries,
    private readonly columns: number,
    private readonly leftOutColumn: number,
  ) {}

  /** The next packet's time, in capture order: the clock moves on and judges the times waiting. */
  advance(time: number): void {
    this.clock.advance(time);
    for (const waiting of this.waiting.keys()) if (!this.judging(waiting)) this.settle(waiting);
  }

  add(column: number, time: number, amount = 1): void {
    // A time far ahead may be the next packet's, which the clock has not seen yet.
    if (this.judging(time) || this.clock.outlier(time)) this.waitingAt(time)[column]! += amount;
    else this.place(column, time, amount);
  }

  /** After the last packet: what still waits is judged as the clock stands. */
  finish(): void {
    for (const waiting of this.waiting.keys()) this.settle(waiting);
  }

  private judging(time: number): boolean {
    return this.clock.alone || time === this.clock.suspect;
  }

  private waitingAt(time: number): Float64Array {
    let amounts = this.waiting.get(time);
    if (!amounts) this.waiting.set(time, (amounts = new Float64Array(this.columns)));
    return amounts;
  }

  private settle(time: number): void {
    const amounts = this.waiting.get(time)!;
    this.waiting.delete(time);
    if (this.clock.outlier(time)) this.leftOut += amounts[this.leftOutColumn]!;
    else amounts.forEach((amount, column) => amount && this.place(column, time, amount));
  }

  private place(column: number, time: number, amount: number): void {
    if (this.first === null || time < this.first) this.first = time;
    if (this.last === null || time > this.last) this.last = time;
    this.series.add(column, time, amount);
  }
}
