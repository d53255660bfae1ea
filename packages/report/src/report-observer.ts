import { TcpFlag, type SegmentEvent, type TcpSession } from '@pakeana/framework';
import type { SessionObserver } from '@pakeana/framework/internal';
import { BinnedSeries } from './binned-series.js';
import { TimeAxis } from './time-axis.js';
import { SEGMENT_BITS } from './session-detail.js';
import { LATENCY_EDGES, LatencyByName, LatencyHistogram } from './latency-histogram.js';
import { STATUS_CLASSES, type LatencyData, type StatusClass, type Timeline } from './report-data.js';

/** BinnedSeries columns. */
const Column = { Packets: 0, Bytes: 1, Sessions: 2, Resets: 3, Retransmissions: 4, Reported: 5, Http: 6 } as const;
const COLUMNS = Column.Http + STATUS_CLASSES.length;

/** What the report reads of an HTTP record (the http dissector's `HttpExchange`). */
interface HttpFields {
  host?: unknown;
  uri?: unknown;
  status?: unknown;
  requestTime?: unknown;
  responseTime?: unknown;
}

/**
 * The report's figures over all the traffic, not only the reported sessions: per-second
 * series of every segment and session, HTTP exchanges by status class, and response times.
 * Every session is dissected as it arrives (needsDissection), since HTTP rates and latencies
 * are over every exchange. Memory is fixed: bounded series and histograms.
 */
export class ReportObserver implements SessionObserver {
  readonly series = new BinnedSeries(COLUMNS);
  /** The series' times, outliers left out (segments counted in axis.leftOut). */
  readonly axis = new TimeAxis(this.series, COLUMNS, Column.Packets);
  httpExchanges = 0;
  private readonly latency = new LatencyHistogram();
  private readonly byHost = new LatencyByName('host', '(other hosts)');
  private readonly byPath = new LatencyByName('path', '(other paths)');

  needsDissection(): boolean {
    return true;
  }

  open(session: TcpSession): void {
    this.axis.add(Column.Sessions, session.start);
  }

  segment(_session: TcpSession, event: SegmentEvent): void {
    const time = event.time;
    const axis = this.axis;
    axis.advance(time);
    axis.add(Column.Packets, time);
    if (event.tcp.payloadWireLength > 0) axis.add(Column.Bytes, time, event.tcp.payloadWireLength);
    if (event.tcp.flags & TcpFlag.RST) axis.add(Column.Resets, time);
    if (event.marks & SEGMENT_BITS.marks.retransmission) axis.add(Column.Retransmissions, time);
  }

  record(session: TcpSession, protocol: string, record: object): void {
    if (protocol !== 'http') return;
    const http = record as HttpFields;
    const requestTime = typeof http.requestTime === 'number' ? http.requestTime : null;
    const responseTime = typeof http.responseTime === 'number' ? http.responseTime : null;
    const status = typeof http.status === 'number' ? http.status : null;
    if (isInterim(status, requestTime)) return;
    this.httpExchanges++;
    this.axis.add(Column.Http + STATUS_CLASSES.indexOf(statusClass(status)), requestTime ?? responseTime ?? session.lastTime);
    if (requestTime === null || responseTime === null) return;
    const seconds = Math.max(0, responseTime - requestTime);
    this.latency.add(seconds);
    this.byHost.add(typeof http.host === 'string' ? http.host : '(no Host)', seconds);
    this.byPath.add(pathPrefix(http.uri), seconds);
  }

  /** A reported session, marked on the timeline at its start. */
  reported(session: TcpSession): void {
    this.axis.add(Column.Reported, session.start);
  }

  /** The series' times to the end: call before reading them. */
  finish(): void {
    this.axis.finish();
  }

  timeline(): Timeline {
    const s = this.series;
    const http = Object.fromEntries(STATUS_CLASSES.map((c, i) => [c, s.values(Column.Http + i)])) as Record<StatusClass, number[]>;
    return {
      start: s.start ?? 0,
      bin: s.width,
      packets: s.values(Column.Packets),
      bytes: s.values(Column.Bytes),
      sessions: s.values(Column.Sessions),
      resets: s.values(Column.Resets),
      retransmissions: s.values(Column.Retransmissions),
      reported: s.values(Column.Reported),
      http,
    };
  }

  latencyData(): LatencyData {
    const all = { ...this.latency.summary('all', 'every exchange'), counts: Array.from(this.latency.counts) };
    return { edges: [...LATENCY_EDGES], groups: [all, ...this.byHost.groups(), ...this.byPath.groups()] };
  }
}

/** An interim (1xx) response's own record: its exchange is the record of the final response. */
function isInterim(status: number | null, requestTime: number | null): boolean {
  return status !== null && status >= 100 && status < 200 && requestTime === null;
}

export function statusClass(status: number | null): StatusClass {
  if (status === null || status < 100 || status > 599) return 'none';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

/** The first segment of a request target's path (`/api/v1/x?y` → `/api`), `/` for the root; CONNECT's `host:port` as it is. */
export function pathPrefix(uri: unknown): string {
  if (typeof uri !== 'string') return '(no request)';
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.test(uri) ? uri.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/' : uri;
  if (!path.startsWith('/')) return path.slice(0, 64);
  const match = /^\/[^/?#]*/.exec(path)!;
  return match[0].slice(0, 64);
}
