import type { SegmentEvent } from './segment-event.js';
import type { TcpSession } from './tcp-session.js';

/**
 * Something that watches sessions as they happen: the TCP analyzer (marks, states,
 * counters), the trigger engine, the pretty printer's segment recorder. Observers are called
 * in registration order, so an analyzer registered first has set its marks by the time a
 * trigger sees the segment. Per-session state goes in `session.observerState[slot]`, where
 * `slot` is given once by `attach`.
 */
export interface SessionObserver {
  /** Called once when the observer joins the tracker, with its state slot. */
  attach?(slot: number): void;
  open?(session: TcpSession): void;
  segment?(session: TcpSession, event: SegmentEvent): void;
  record?(session: TcpSession, protocol: string, record: object): void;
  /**
   * True when this observer needs the session's dissector records and marks as they happen:
   * otherwise the session's dissection may wait until it is reported (asked once, at the first
   * payload). An observer without this method never needs them.
   */
  needsDissection?(session: TcpSession): boolean;
  /** The session got a new mark (`http.bad-chunk-size`, `tcp.overlap-conflict`, a plugin's own). */
  mark?(session: TcpSession, reason: string): void;
  /**
   * The session's client and server were swapped (a dissector saw the roles reversed, see
   * `SessionContext.swapRoles`), before the segment being processed reaches observers: swap
   * what is kept per side. Segments seen before were passed with the old directions.
   */
  swapped?(session: TcpSession): void;
  /** The session is finished (`session.state` and `endReason` are final). */
  close?(session: TcpSession): void;
  /**
   * The watchdog cut a call off (`why`: it ran too long, or Ctrl-C): if it was one of this
   * observer's plugins, isolate it and return true.
   */
  stopped?(why: string): boolean;
}
