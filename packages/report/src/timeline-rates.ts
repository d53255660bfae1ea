import type { Timeline } from './report-data.js';

/**
 * A timeline series as rates per second: each bin's count over the time it covers. The last
 * bin covers only up to the capture's end (`end`, its last time on the timeline), so it is
 * divided by that part of its width, not by all of it (which would understate its rate); when
 * that part is nothing (the capture ends where the bin starts), by the bin's width.
 * Shared with the page (page/tsconfig.json includes it), here so that node:test can test it.
 */
export function perSecond(values: number[], timeline: Pick<Timeline, 'start' | 'bin'>, end: number): number[] {
  const last = values.length - 1;
  const lastCovered = end - (timeline.start + last * timeline.bin);
  const lastWidth = lastCovered > 0 ? lastCovered : timeline.bin;
  return values.map((value, i) => value / (i === last ? lastWidth : timeline.bin));
}
