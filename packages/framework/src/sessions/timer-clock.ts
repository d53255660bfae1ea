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
 * thus ends sessions one packet later.
 */
export class TimerClock {
  /** The latest trusted capture time. */
  now = 0;
  /** A packet's time far ahead of `now`, until the next packet says what it was; NaN when none. */
  suspect = NaN;
  private started = false;

  constructor(
    private readonly maxJump: number,
    private readonly stats: Statistics,
  ) {}

  /** The next packet's capture time, in capture order. */
  advance(time: number): void {
    if (this.started && time > this.now + this.maxJump) {
      if (Number.isNaN(this.suspect)) {
        this.suspect = time;
        return;
      }
      this.now = this.suspect; // the packet before was far ahead too: the capture did jump
      this.suspect = NaN;
      if (time > this.now + this.maxJump) {
        this.suspect = time;
        return;
      }
    } else if (!Number.isNaN(this.suspect)) {
      this.stats.timestampOutliers++;
      this.suspect = NaN;
    }
    this.started = true;
    if (time > this.now) this.now = time;
  }

  /** Time known to have passed (a live capture's wall clock). */
  reach(time: number): void {
    if (time > this.now) this.now = time;
    this.started = true;
  }
}
