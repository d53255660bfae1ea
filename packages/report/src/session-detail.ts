import { SegmentMark, TcpFlag, type TcpSession } from '@pakeana/framework';
import { PrettySink, formatTcpOptions, roundTime, type SegmentLine, type SegmentRecorder } from '@pakeana/framework/internal';
import { LADDER_ROWS, type SegmentBits, type SegmentColumns, type SessionDetail, type SessionRow } from './report-data.js';

export const SEGMENT_BITS: SegmentBits = {
  flags: { SYN: TcpFlag.SYN, FIN: TcpFlag.FIN, RST: TcpFlag.RST, PSH: TcpFlag.PSH, ACK: TcpFlag.ACK },
  marks: {
    retransmission: SegmentMark.Retransmission | SegmentMark.SynRetransmission,
    outOfOrder: SegmentMark.OutOfOrder,
    zeroWindow: SegmentMark.ZeroWindow,
    previousSegmentLost: SegmentMark.PreviousSegmentLost,
    dupAck: SegmentMark.DupAck,
  },
};

/** Characters of a session's pretty lines kept for its page (a long session's lines are cut there). */
const MAX_TEXT = 256 * 1024;

/** Host names listed in a session's row, and the characters kept of each: a row stays small whatever the session sent. */
const MAX_HOSTS = 5;
const MAX_HOST_CHARS = 64;
/** Characters kept of an exchange's line on the ladder. */
const MAX_EXCHANGE_CHARS = 200;

/** Display labels of the HTTP dissector that start an exchange's message: drawn as arrows on the ladder. */
const EXCHANGE_LABELS = new Set(['RequestLine', 'ResponseLine']);

/** The table's row of a session. */
export function sessionRow(session: TcpSession, detail: boolean): SessionRow {
  const http = (session.records.http ?? []) as { host?: unknown; status?: unknown }[];
  const hosts = new Set(http.map((r) => r.host).filter((h): h is string => typeof h === 'string'));
  return {
    id: session.id,
    start: session.start,
    duration: session.duration,
    client: endpoint(session.client),
    server: endpoint(session.server),
    state: session.state,
    packets: session.packets,
    bytes: session.clientBytes + session.serverBytes,
    triggers: [...session.triggers],
    marks: [...session.marks],
    hosts: [...hosts].slice(0, MAX_HOSTS).map((host) => shorten(host, MAX_HOST_CHARS)),
    moreHosts: Math.max(0, hosts.size - MAX_HOSTS),
    statuses: [...new Set(http.map((r) => r.status).filter((s): s is number => typeof s === 'number'))],
    detail,
  };
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function endpoint(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/**
 * Builds session pages: the pretty printer's lines of the session (the same PrettySink,
 * writing into a string) and its segments as columns, at most `maxSegments` of them.
 */
export class SessionDetails {
  private text = '';
  private readonly pretty: PrettySink;

  constructor(
    private readonly recorder: SegmentRecorder,
    viewData: number,
    private readonly maxSegments: number,
  ) {
    const into = { write: (chunk: string) => ((this.text += chunk), true) } as unknown as NodeJS.WritableStream;
    this.pretty = new PrettySink(into, recorder, { color: false, viewData, quiet: false, summaryOut: into, live: true });
  }

  detail(session: TcpSession): SessionDetail {
    this.text = '';
    this.pretty.session(session); // live: written out at once
    const lines = this.recorder.lines(session);
    const shown = lines.slice(0, this.maxSegments);
    return {
      id: session.id,
      text: cut(this.text.trimEnd()),
      windowScale: windowScales(lines),
      segments: columns(shown),
      segmentsNotShown: session.segments - shown.length,
      exchanges: ladderExchanges(session, shown.slice(0, LADDER_ROWS)),
    };
  }
}

/** The first exchange line of each segment the ladder draws, with how many more the segment carried. */
function ladderExchanges(session: TcpSession, drawn: SegmentLine[]): SessionDetail['exchanges'] {
  const numbers = new Set(drawn.map((line) => line.number));
  const bySegment = new Map<number, SessionDetail['exchanges'][number]>();
  for (const d of session.displayLines ?? []) {
    if (!EXCHANGE_LABELS.has(d.label) || !numbers.has(d.segment)) continue;
    const first = bySegment.get(d.segment);
    if (first) first.more++;
    else bySegment.set(d.segment, { segment: d.segment, fromClient: d.dir === 'client', text: shorten(d.text, MAX_EXCHANGE_CHARS), more: 0 });
  }
  return [...bySegment.values()];
}

function cut(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const end = text.lastIndexOf('\n', MAX_TEXT);
  return `${text.slice(0, end)}\n(${text.length - end} more characters: the pretty output of this session has them all)`;
}

/** Each side's window scale, from its SYN's options (RFC 7323: used only when both SYNs carry it). */
function windowScales(lines: SegmentLine[]): [number, number] {
  const scale = (fromClient: boolean): number | null => {
    const syn = lines.find((l) => l.fromClient === fromClient && l.flags & TcpFlag.SYN);
    const text = syn?.options ? formatTcpOptions(syn.options, 0, syn.options.length) : '';
    const match = /wscale=(\d+)/.exec(text);
    return match ? Math.min(14, Number(match[1])) : null;
  };
  const client = scale(true);
  const server = scale(false);
  return client !== null && server !== null ? [client, server] : [0, 0];
}

/** Segment lines as columns, sequence and acknowledgement numbers relative to each side's first. */
function columns(lines: SegmentLine[]): SegmentColumns {
  const origin = lines[0]?.time ?? 0;
  const base = { client: firstSeq(lines, true), server: firstSeq(lines, false) };
  const out: SegmentColumns = { number: [], time: [], fromClient: [], flags: [], seq: [], ack: [], length: [], window: [], marks: [] };
  for (const line of lines) {
    const own = line.fromClient ? base.client : base.server;
    const other = line.fromClient ? base.server : base.client;
    out.number.push(line.number);
    out.time.push(roundTime(line.time - origin));
    out.fromClient.push(line.fromClient ? 1 : 0);
    out.flags.push(line.flags);
    out.seq.push(relative(line.seq, own));
    out.ack.push(line.flags & TcpFlag.ACK && other !== null ? relative(line.ack, other) : -1);
    out.length.push(line.length);
    out.window.push(line.window);
    out.marks.push(line.marks);
  }
  return out;
}

/** A side's first sequence number: its SYN's, else its first segment's. */
function firstSeq(lines: SegmentLine[], fromClient: boolean): number | null {
  const own = lines.filter((l) => l.fromClient === fromClient);
  return (own.find((l) => l.flags & TcpFlag.SYN) ?? own[0])?.seq ?? null;
}

/** `seq - base` modulo 2^32, as a signed offset (a segment a little before the first stays negative). */
function relative(seq: number, base: number | null): number {
  if (base === null) return 0;
  return ((seq - base) | 0);
}
