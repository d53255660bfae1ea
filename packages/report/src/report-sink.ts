import type { TcpSession } from '@pakeana/framework';
import { AtomicFile, MemoryKind, type MemoryAccount, type Pipeline, type SegmentRecorder, type SessionSink, type Statistics } from '@pakeana/framework/internal';
import type { ReportObserver } from './report-observer.js';
import { detailElement, pageParts, scriptJson } from './report-page.js';
import type { SessionRow } from './report-data.js';
import { SEGMENT_BITS, SessionDetails, sessionRow } from './session-detail.js';

export interface ReportOptions {
  /** The capture's name, for the title. */
  title: string;
  /** Context segments around each shown segment in the session's pretty lines (--view-data). */
  viewData?: number;
  /** Sessions listed in the table; later reported sessions are counted, not listed. */
  maxSessions?: number;
  /**
   * Bytes of session pages (lines and segments) in the file (UTF-8: traffic text past ASCII
   * takes two bytes a character or more); later sessions are listed without one. Plain
   * sessions (see `remarkable`) have half of it, so that with --all the sessions that went
   * wrong still have their pages late in a long capture.
   */
  maxDetailBytes?: number;
  /** Segments of one session drawn on its page. */
  maxSegmentsShown?: number;
}

export const REPORT_DEFAULTS = { maxSessions: 50_000, maxDetailBytes: 16 * 1024 * 1024, maxSegmentsShown: 2_000 } as const;

/** What a table row's objects hold in memory beside their strings (a dozen fields, four small arrays), about. */
const ROW_OVERHEAD = 300;

/** What a table row holds in memory, about: its objects, and its text at two bytes a character. */
function rowBytes(row: SessionRow): number {
  return ROW_OVERHEAD + 2 * JSON.stringify(row).length;
}

/**
 * `--report FILE.html`: the reported sessions' rows and pages, kept as they finish (within
 * the bounds of ReportOptions, so the file's size is bounded), and at the end the page with
 * the observer's figures, written atomically (AtomicFile, checked when the sink is made).
 * What it keeps is charged to the run's memory account (Records) until the page is written.
 */
export class ReportSink implements SessionSink {
  private readonly file: AtomicFile;
  private readonly rows: SessionRow[] = [];
  private readonly details: string[] = [];
  private readonly pages: SessionDetails;
  private readonly bounds: Required<Omit<ReportOptions, 'title' | 'viewData'>>;
  private detailBytes = 0;
  private plainDetailBytes = 0;
  private notListed = 0;
  private detailsNotKept = 0;
  private memory: MemoryAccount | null = null;
  private charged = 0;

  constructor(
    readonly path: string,
    private readonly observer: ReportObserver,
    recorder: SegmentRecorder,
    private readonly options: ReportOptions,
  ) {
    this.file = new AtomicFile(path, 'report');
    this.bounds = { ...REPORT_DEFAULTS, ...options };
    this.pages = new SessionDetails(recorder, options.viewData ?? 0, this.bounds.maxSegmentsShown);
  }

  bind(pipeline: Pipeline): void {
    this.memory = pipeline.memory;
  }

  session(session: TcpSession): void {
    this.observer.reported(session);
    if (this.rows.length >= this.bounds.maxSessions) {
      this.notListed++;
      return;
    }
    const pageBytes = this.keepPage(session);
    const row = sessionRow(session, pageBytes > 0);
    this.rows.push(row);
    this.charge(pageBytes + rowBytes(row));
  }

  /**
   * The session's page, kept when it fits in what is left of the pages' budget (of its half,
   * for a plain session): its size, 0 when it is not kept.
   */
  private keepPage(session: TcpSession): number {
    const plain = !remarkable(session);
    const room = Math.min(this.bounds.maxDetailBytes - this.detailBytes, plain ? this.bounds.maxDetailBytes / 2 - this.plainDetailBytes : Infinity);
    const element = room > 0 ? detailElement(session.id, scriptJson(this.pages.detail(session))) : '';
    const bytes = Buffer.byteLength(element);
    if (bytes === 0 || bytes > room) {
      this.detailsNotKept++;
      return 0;
    }
    this.details.push(element);
    this.detailBytes += bytes;
    if (plain) this.plainDetailBytes += bytes;
    return bytes;
  }

  finish(stats: Statistics): void {
    const observer = this.observer;
    observer.finish();
    const summary = {
      packets: stats.packets,
      bytes: stats.bytes,
      sessions: stats.sessions,
      reported: stats.reported,
      byTrigger: stats.byTrigger,
      start: observer.axis.first,
      end: observer.axis.last,
      segmentsLeftOut: observer.axis.leftOut,
      httpExchanges: observer.httpExchanges,
      sessionsNotListed: this.notListed,
      detailsNotKept: this.detailsNotKept,
      maxSessions: this.bounds.maxSessions,
      maxDetailBytes: this.bounds.maxDetailBytes,
    };
    const data = {
      title: this.options.title,
      generated: new Date().toISOString(),
      timeline: observer.timeline(),
      latency: observer.latencyData(),
      sessions: this.rows,
      bits: SEGMENT_BITS,
    };
    for (const part of pageParts(data, summary, this.details)) this.file.write(part);
    this.file.commit();
    this.charge(-this.charged);
  }

  abort(): void {
    this.file.abort();
    this.charge(-this.charged);
  }

  private charge(bytes: number): void {
    if (!this.memory || bytes === 0) return;
    if (bytes > 0) this.memory.charge(MemoryKind.Records, bytes);
    else this.memory.release(MemoryKind.Records, -bytes);
    this.charged += bytes;
  }
}

/** A session that went wrong or that a trigger other than --all picked: reset, cut off, retransmitting, marked. */
function remarkable(session: TcpSession): boolean {
  const tcp = session.tcp;
  return (
    session.state === 'reset' ||
    session.state === 'timeout' ||
    session.marks.length > 0 ||
    tcp.retransmissions + tcp.synRetransmissions + tcp.outOfOrder + tcp.zeroWindows + tcp.missingBytes > 0 ||
    session.triggers.some((trigger) => trigger !== 'all')
  );
}
