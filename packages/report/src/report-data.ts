/** Segments the ladder draws (the time-sequence graphs show them all): the page keeps exchanges for these only. */
export const LADDER_ROWS = 400;

/**
 * What the report's page is given: the JSON pakeana writes into it, read by page/main.ts.
 * Series are plain arrays (one value per bin); per-segment data is kept column by column,
 * which is smaller than an object per segment.
 */
export interface ReportData {
  /** The capture's name (its file, or the interface). */
  title: string;
  /** When the report was made (ISO 8601). */
  generated: string;
  summary: ReportSummary;
  timeline: Timeline;
  latency: LatencyData;
  sessions: SessionRow[];
  /** What the bits of SegmentColumns' flags and marks mean (from the framework's constants). */
  bits: SegmentBits;
}

export interface SegmentBits {
  flags: { SYN: number; FIN: number; RST: number; PSH: number; ACK: number };
  marks: { retransmission: number; outOfOrder: number; zeroWindow: number; previousSegmentLost: number; dupAck: number };
}

export interface ReportSummary {
  packets: number;
  bytes: number;
  sessions: number;
  reported: number;
  byTrigger: Record<string, number>;
  /** First and last segment times on the timeline, seconds since the epoch (null: no TCP segment). */
  start: number | null;
  end: number | null;
  /** Segments left out of the timeline: the capture clock took their times for outliers (see TimeAxis). */
  segmentsLeftOut: number;
  httpExchanges: number;
  /** Reported sessions past the table's bound (not listed). */
  sessionsNotListed: number;
  /** Listed sessions whose page was not kept, past the details' bound. */
  detailsNotKept: number;
  /** The bounds themselves, to say them. */
  maxSessions: number;
  maxDetailBytes: number;
  /** The file's size in bytes, this figure included (pageParts serialises the summary until the size it states is the size it makes). */
  fileBytes: number;
}

/** Series over the capture, one value per bin of `bin` seconds from `start`. */
export interface Timeline {
  start: number;
  bin: number;
  packets: number[];
  /** TCP payload bytes. */
  bytes: number[];
  sessions: number[];
  resets: number[];
  retransmissions: number[];
  /** Reported sessions, at their start. */
  reported: number[];
  /** HTTP exchanges by status class (1xx...5xx, and `none`: no complete response), at the request's time. */
  http: Record<StatusClass, number[]>;
}

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export interface LatencyData {
  /** Upper edge of each histogram bucket, in seconds. */
  edges: number[];
  groups: LatencyGroup[];
}

/** Response times (request head to response head) of one group: every exchange, one host, one path prefix. */
export interface LatencyGroup {
  kind: 'all' | 'host' | 'path';
  name: string;
  count: number;
  /** Percentiles in seconds, as a bucket's upper edge (within its width, see LatencyHistogram). */
  p50: number;
  p90: number;
  p99: number;
  /** Exact. */
  max: number;
  /** Exchanges per bucket (only for `all`: the page draws that one). */
  counts?: number[];
}

/** One row of the sessions table. */
export interface SessionRow {
  id: number;
  start: number;
  duration: number;
  client: string;
  server: string;
  state: string;
  packets: number;
  bytes: number;
  triggers: string[];
  marks: string[];
  /** The first few Host names (long ones shortened), see SessionRow.moreHosts. */
  hosts: string[];
  /** Host names of the session past `hosts`. */
  moreHosts: number;
  statuses: number[];
  /** Its page is in the report (see ReportSummary.detailsNotKept). */
  detail: boolean;
}

/** A session's page: its pretty lines and its segments for the ladder and the time-sequence graphs. */
export interface SessionDetail {
  id: number;
  /** The pretty output's lines of the session, without colours. */
  text: string;
  /** Window scale of each side (client, server) from its SYN, 0 without one. */
  windowScale: [number, number];
  segments: SegmentColumns;
  /** Segments of the session not kept (past the recorder's limit or the report's). */
  segmentsNotShown: number;
  /**
   * The first HTTP request or response line of each segment that carried one, among the
   * ladder's segments (LADDER_ROWS); `more`: the segment's other lines.
   */
  exchanges: { segment: number; fromClient: boolean; text: string; more: number }[];
}

export interface SegmentColumns {
  number: number[];
  /** Seconds since the session's first segment. */
  time: number[];
  /** 1: from the client, 0: from the server. */
  fromClient: number[];
  flags: number[];
  /** Relative to each side's first sequence number (its SYN's when seen). */
  seq: number[];
  /** Relative to the other side's first sequence number; -1 without the ACK flag. */
  ack: number[];
  length: number[];
  window: number[];
  /** SegmentMark bits. */
  marks: number[];
}
