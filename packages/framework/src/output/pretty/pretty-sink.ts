import { formatTcpOptions } from '../../decode/tcp.js';
import { TcpFlag } from '../../decode/tcp-header.js';
import type { Statistics } from '../../pipeline/statistics.js';
import { SegmentMark } from '../../sessions/segment-event.js';
import type { SessionDisplayLine, TcpSession } from '../../sessions/tcp-session.js';
import { LineWriter, type SessionSink } from '../sink.js';
import type { SegmentLine, SegmentRecorder } from './segment-recorder.js';
import { summaryText } from './summary-text.js';

export interface PrettyOptions {
  /** ANSI colours (on a terminal by default). */
  color: boolean;
  /** Context segments shown around each shown segment (miruo -v). */
  viewData: number;
  /** miruo's narrow form: shorter header and segment lines. */
  quiet: boolean;
  /** Where the summary goes at the end (stderr). */
  summaryOut: NodeJS.WritableStream;
  /** Live capture: every session is written out as soon as it is printed. */
  live?: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Color = keyof typeof ANSI;
const FLAG_ORDER: [number, string][] = [
  [TcpFlag.URG, 'U'],
  [TcpFlag.ACK, 'A'],
  [TcpFlag.PSH, 'P'],
  [TcpFlag.RST, 'R'],
  [TcpFlag.SYN, 'S'],
  [TcpFlag.FIN, 'F'],
];
/** Label and arrows together, so that the texts line up (`RequestLine >>>>`, `Header >>>>>>>>>`). */
const LABEL_WIDTH = 15;

/**
 * miruo's layout: a header per session (its triggers, then its marks), then the segments
 * worth seeing (SYN, state changes, anomalies, segments that carry dissector lines, and
 * `viewData` context around them), each run of hidden segments folded into one `SSSS:****`
 * line, and dissector lines under their segment. See the README for an example.
 */
export class PrettySink implements SessionSink {
  private readonly writer: LineWriter;
  private readonly live: boolean;

  constructor(
    out: NodeJS.WritableStream,
    private readonly recorder: SegmentRecorder,
    private readonly options: PrettyOptions,
  ) {
    this.writer = new LineWriter(out);
    this.live = options.live ?? false;
  }

  drained(): Promise<void> | null {
    return this.writer.drained();
  }

  session(session: TcpSession): void {
    this.print(session);
    if (this.live) this.writer.flush();
  }

  private print(session: TcpSession): void {
    const lines = this.recorder.lines(session);
    const display = groupBySegment(session.displayLines ?? []);
    this.writer.line(this.paint('yellow', this.header(session)) + this.dim(marksNote(session.marks)));
    const shown = this.shownSegments(lines, display);
    const id = pad4(session.id);
    let hiddenRun = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!shown[i]) {
        if (!hiddenRun && !this.options.quiet) this.writer.line(`${id}:**** ${''.padStart(12)} |${''.padStart(46)}|`);
        hiddenRun = true;
        continue;
      }
      hiddenRun = false;
      if (!this.options.quiet) this.writer.line(this.paint(segmentColor(line), this.segmentLine(id, line)));
      for (const d of display.get(line.number) ?? []) this.writer.line(this.paint('green', dissectorLine(session, d)));
    }
    if (this.options.quiet) return;
    const ending = endingText(session);
    if (ending) this.writer.line(this.paint(session.state === 'reset' ? 'red' : 'blue', `${id}:${pad4(session.segments)} ${clock(session.lastTime)} |${center(ending, 46)}| ${session.triggers.join(', ')}`));
  }

  /** Live capture: the header now, with what fired; the whole session follows when it ends. */
  reportOpen(session: TcpSession, trigger: string): void {
    this.writer.line(this.paint('yellow', `${this.header(session)} (open: ${trigger} fired)`) + this.dim(marksNote(session.marks)));
    this.writer.flush();
  }

  finish(stats: Statistics): void {
    this.writer.flush();
    this.options.summaryOut.write(summaryText(stats));
  }

  private header(s: TcpSession): string {
    const client = `${s.client.ip}:${s.client.port}`;
    const server = `${s.server.ip}:${s.server.port}`;
    const ms = Math.round(s.duration * 1000);
    const time = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
    const bytes = s.clientBytes + s.serverBytes;
    const reasons = s.triggers.length ? ` [${s.triggers.join(', ')}]` : '';
    if (this.options.quiet) return `${time.padStart(12)}|${client.padStart(21)} == ${server.padEnd(21)}|${s.packets}seg(${bytes})${reasons}`;
    return `${pad4(s.id)} ${time.padStart(17)} |${client.padStart(21)} == ${server.padEnd(21)}| Total ${s.packets} segments, ${bytes} bytes${reasons}`;
  }

  private segmentLine(id: string, line: SegmentLine): string {
    const arrow = line.fromClient ? '>' : '<';
    const art = `${arrow}${flagArt(line.flags)}${arrow}`;
    const states = `|${line.clientState.padStart(18)} ${art} ${line.serverState.padEnd(18)}|`;
    const seqAck = `${hex8(line.seq)}/${hex8(line.ack)}`;
    const fragment = line.marks & SegmentMark.Fragmented ? 'F' : '-';
    const options = line.options ? formatTcpOptions(line.options, 0, line.options.length) : '';
    const notes = markNotes(line.marks);
    return `${id}:${pad4(line.number)} ${clock(line.time)} ${states} ${seqAck} ${String(line.length).padStart(4)} ${fragment} <${options}>${notes}`;
  }

  /** Which segments are shown: the notable ones, those carrying dissector lines, and context. */
  private shownSegments(lines: SegmentLine[], display: Map<number, SessionDisplayLine[]>): boolean[] {
    const shown = lines.map((line) => line.notable || display.has(line.number));
    const context = this.options.viewData;
    if (context === 0) return shown;
    const widened = [...shown];
    shown.forEach((isShown, i) => {
      if (!isShown) return;
      for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) widened[j] = true;
    });
    return widened;
  }

  private paint(color: Color | null, text: string): string {
    if (!color || !this.options.color) return text;
    return `\x1b[${ANSI[color]}m${text}\x1b[39m`;
  }

  private dim(text: string): string {
    if (!text || !this.options.color) return text;
    return `\x1b[2m${text}\x1b[22m`;
  }
}

/**
 * What the header shows after the triggers: ` marks: http.gap-in-headers, tcp.overlap-conflict`,
 * or nothing. Control characters (a plugin's message may quote the traffic) become a space,
 * so a mark can neither break the line nor drive the terminal.
 */
export function marksNote(marks: readonly string[]): string {
  if (marks.length === 0) return '';
  return ` marks: ${marks.map((mark) => mark.replace(/\p{Cc}+/gu, ' ')).join(', ')}`;
}

/** `-AP---`: the flags UAPRSF, `-` for each one unset. */
export function flagArt(flags: number): string {
  return FLAG_ORDER.map(([bit, letter]) => (flags & bit ? letter : '-')).join('');
}

function dissectorLine(session: TcpSession, d: SessionDisplayLine): string {
  const label = `DPI:${(session.protocol ?? 'DPI').toUpperCase()}:${d.label}`;
  const arrows = '>'.repeat(Math.max(1, LABEL_WIDTH - d.label.length));
  return `${label} ${arrows} ${d.text}`;
}

function groupBySegment(lines: SessionDisplayLine[]): Map<number, SessionDisplayLine[]> {
  const map = new Map<number, SessionDisplayLine[]>();
  for (const line of lines) {
    const list = map.get(line.segment) ?? [];
    list.push(line);
    map.set(line.segment, list);
  }
  return map;
}

function segmentColor(line: SegmentLine): Color | null {
  if (line.marks & (SegmentMark.Reset | SegmentMark.Retransmission | SegmentMark.BadFlags)) return 'red';
  if (line.marks & (SegmentMark.OutOfOrder | SegmentMark.PreviousSegmentLost | SegmentMark.LongDelay)) return 'magenta';
  if (line.marks & SegmentMark.Fragmented) return 'cyan';
  if (line.flags & TcpFlag.SYN) return 'yellow';
  return null;
}

/** Short words for the anomalies of a segment, after its options. */
function markNotes(marks: number): string {
  const notes: string[] = [];
  if (marks & SegmentMark.SynRetransmission) notes.push('SYN retransmission');
  else if (marks & SegmentMark.Retransmission) notes.push('retransmission');
  if (marks & SegmentMark.OutOfOrder) notes.push('out of order');
  if (marks & SegmentMark.PreviousSegmentLost) notes.push('previous segment not captured');
  if (marks & SegmentMark.DupAck) notes.push('dup ack');
  if (marks & SegmentMark.ZeroWindow) notes.push('zero window');
  if (marks & SegmentMark.KeepAlive) notes.push('keep-alive');
  if (marks & SegmentMark.LongDelay) notes.push('long delay');
  if (marks & SegmentMark.Truncated) notes.push('truncated');
  if (marks & SegmentMark.BadFlags) notes.push('bad flags');
  return notes.length ? ` ${notes.join(', ')}` : '';
}

/** The line that closes a session's block: how it ended, when it did not close normally. */
function endingText(session: TcpSession): string | null {
  if (session.state === 'reset') return 'RST break';
  if (session.state === 'timeout') return session.endReason === 'evicted' ? 'destroy session (evicted)' : 'destroy session (time out)';
  if (session.state === 'open') return 'still open at the end of the input';
  return null;
}

/** Local time of day, HH:MM:SS.mmm, as miruo prints it. */
function clock(seconds: number): string {
  const date = new Date(Math.floor(seconds * 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** A session id or segment number as the pretty layout writes it: `0042`. */
export function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

function center(text: string, width: number): string {
  const left = Math.max(0, Math.floor((width - text.length) / 2));
  return `${' '.repeat(left)}${text}`.padEnd(width);
}
