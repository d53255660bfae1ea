import type { Statistics } from '../pipeline/statistics.js';

/**
 * How far ahead of the clock a packet's time is suspect (unless the idle timeout is longer): a
 * day is far more than a quiet spell in a capture, and far less than the years a broken
 * timestamp is off by.
 */
export const SUSPECT_AHEAD = 86_400;

/**
 * The time the session timers run on (idle timeout, close linger, tombstones, fragments): the
 * latest capture time seen. Captures merged from several interfaces step back in time, so it
 * only moves forward; and one packet far ahead of it (more than `maxJump` seconds) is only a
 * suspect, since a single wildly wrong timestamp (years ahead, as in real pcapng files) would
 * otherwise end every session after it. The clock takes the jump when the next packet is far
 * ahead too (the capture did jump: files joined, days without traffic); when the next packet
 * comes back, the suspect was an outlier, counted in `stats.timestampOutliers`. A real jump
 * thus ends sessions one packet later. A packet alone on one side of a jump (the first, far
 * ahead of or far behind the rest) is an outlier as well.
 */
export class TimerClock {
  /** The latest trusted capture time. */
  now = 0;
  /** A packet's time far ahead of `now`, until the next packet says what it was; NaN when none. */
  suspect = NaN;
  /** The earliest trusted capture time (NaN before the first packet). */
  first = NaN;
  /** The clock rests on one packet (the first, or the one it jumped to): the next ones may say it was off. */
  alone = true;
  private started = false;

  constructor(
    private readonly maxJump: number,
    private readonly stats: Pick<Statistics, 'timestampOutliers'>,
  ) {}

  /** The next packet's capture time, in capture order. */
  advance(time: number): void {
    if (!this.started || (this.alone && time < this.now - this.maxJump)) {
      // The first packet; or the lone one before this was far ahead of it: an outlier.
      if (this.started) this.stats.timestampOutliers++;
      this.restart(time);
      return;
    }
    if (time > this.now + this.maxJump) {
      if (Number.isNaN(this.suspect)) {
        this.suspect = time;
        return;
      }
      this.jump(); // the packet before was far ahead too
      if (time > this.now + this.maxJump) {
        this.suspect = time;
        return;
      }
    } else if (!Number.isNaN(this.suspect)) {
      this.stats.timestampOutliers++;
      this.suspect = NaN;
    }
    this.alone = false;
    if (time > this.now) this.now = time;
  }

  /** Time known to have passed (a live capture's wall clock). */
  reach(time: number): void {
    if (!this.started) this.restart(time);
    if (time > this.now) this.now = time;
    this.alone = false;
  }

  /** A time the clock does not trust: far ahead of it, or far before its first trusted time. */
  outlier(time: number): boolean {
    return time > this.now + this.maxJump || time < this.first - this.maxJump;
  }

  /** The capture did jump to the suspect; the clock left alone before it was an outlier. */
  private jump(): void {
    const first = this.alone ? this.suspect : this.first;
    if (this.alone) this.stats.timestampOutliers++;
    this.restart(this.suspect);
    this.first = first;
  }

  private restart(time: number): void {
    this.started = true;
    this.alone = true;
    this.now = this.first = time;
    this.suspect = NaN;
  }
}
