import type { SegmentRecorder, SessionObserver } from '@pakeana/framework/internal';
import { ReportObserver } from './report-observer.js';
import { ReportSink, type ReportOptions } from './report-sink.js';

export { ReportObserver } from './report-observer.js';
export { ReportSink, REPORT_DEFAULTS, type ReportOptions } from './report-sink.js';
export type * from './report-data.js';

/**
 * What a run needs for `--report FILE.html`: the observer that sees every segment and
 * record (register it after the TCP analyzer, which marks retransmissions) and the sink that
 * writes the page. `recorder` is the run's SegmentRecorder (the sessions' segment lines).
 * Throws ExportTargetError when FILE cannot be written.
 */
export function createReport(path: string, recorder: SegmentRecorder, options: ReportOptions): { observer: SessionObserver; sink: ReportSink } {
  const observer = new ReportObserver();
  return { observer, sink: new ReportSink(path, observer, recorder, options) };
}
