import { TcpFlag } from '../../decode/tcp-header.js';
import type { SessionObserver } from '../../sessions/observer.js';
import { SegmentMark, type SegmentEvent, type TcpState } from '../../sessions/segment-event.js';
import type { TcpSession } from '../../sessions/tcp-session.js';

/** What the pretty printer keeps of one segment. */
export interface SegmentLine {
  number: number;
  time: number;
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  /** Payload bytes on the wire. */
  length: number;
  /** Raw TCP option bytes (a copy; usually a few bytes, none on most segments). */
  options: Buffer | null;
  marks: number;
  clientState: TcpState;
  serverState: TcpState;
  /** Worth showing by itself: SYN, a state change, an anomaly (dissector lines are added later). */
  notable: boolean;
}

/** Marks that make a segment worth showing. */
const ANOMALIES =
  SegmentMark.Retransmission |
  SegmentMark.OutOfOrder |
  SegmentMark.SynRetransmission |
  SegmentMark.Reset |
  SegmentMark.Fragmented |
  SegmentMark.LongDelay |
  SegmentMark.BadFlags |
  SegmentMark.ZeroWindow |
  SegmentMark.PreviousSegmentLost;

/**
 * Keeps a compact line per segment for the pretty printer, up to `limit` per session (the
 * rest are counted as dropped). Register it after the TCP analyzer and the triggers, so the
 * marks and states are final.
 */
export class SegmentRecorder implements SessionObserver {
  private slot = 0;

  constructor(
    private readonly limit: number,
    private readonly onDropped: () => void = () => {},
  ) {}

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    session.observerState[this.slot] = [] as SegmentLine[];
  }

  segment(session: TcpSession, event: SegmentEvent): void {
    const lines = this.lines(session);
    if (lines.length >= this.limit) {
      this.onDropped();
      return;
    }
    const tcp = event.tcp;
    const previous = lines[lines.length - 1];
    const stateChanged = !previous || previous.clientState !== event.clientState || previous.serverState !== event.serverState;
    lines.push({
      number: event.number,
      time: event.time,
      fromClient: event.dir === 'client',
      flags: tcp.flags,
      seq: tcp.seq,
      ack: tcp.ack,
      length: tcp.payloadWireLength,
      options: tcp.optionsLength > 0 ? Buffer.from(event.buf.subarray(tcp.optionsOffset, tcp.optionsOffset + tcp.optionsLength)) : null,
      marks: event.marks,
      clientState: event.clientState,
      serverState: event.serverState,
      notable: stateChanged || (tcp.flags & TcpFlag.SYN) !== 0 || (event.marks & ANOMALIES) !== 0,
    });
  }

  /** The session's segment lines (empty when the recorder was not attached to it). */
  lines(session: TcpSession): SegmentLine[] {
    return (session.observerState[this.slot] as SegmentLine[] | undefined) ?? [];
  }
}
