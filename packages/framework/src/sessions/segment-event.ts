import type { TcpHeader } from '../decode/tcp-header.js';
import type { Direction } from '../dissect/api.js';

/** Analysis marks on a segment (bit set), like Wireshark's tcp.analysis.* flags. */
export const SegmentMark = {
  Retransmission: 1 << 0,
  OutOfOrder: 1 << 1,
  DupAck: 1 << 2,
  ZeroWindow: 1 << 3,
  KeepAlive: 1 << 4,
  SynRetransmission: 1 << 5,
  /** Carried in IP fragments. */
  Fragmented: 1 << 6,
  Reset: 1 << 7,
  /** Bytes before this segment were never seen. */
  PreviousSegmentLost: 1 << 8,
  /** caplen < wire length: payload cut by the snap length. */
  Truncated: 1 << 9,
  /** Flags that make no sense together (SYN+FIN, SYN+RST, no flags at all...). */
  BadFlags: 1 << 10,
  /** Longer than the configured delay since the previous segment of the session. */
  LongDelay: 1 << 11,
} as const;

/** TCP states as miruo prints them, per side, after the segment was applied. */
export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'UNKNOWN';

/**
 * One TCP segment of a session, as observers (analyzers, triggers, printers) see it.
 * The pipeline reuses one object: it is valid only during the call.
 */
export class SegmentEvent {
  /** 1-based number of the segment in its session. */
  number = 0;
  /** 1-based record number of the frame in the input. */
  frameIndex = 0;
  /** Capture time, seconds since the epoch. */
  time = 0;
  /** Seconds since the previous segment of the session (0 for the first). */
  sincePrevious = 0;
  /** Who sent it. */
  dir: Direction = 'client';
  /** The decoded header; its offsets point into `buf`. */
  tcp!: TcpHeader;
  buf: Buffer = Buffer.alloc(0);
  /** How the reassembler classified the payload (`SegmentClass`). */
  segmentClass = 0;
  /** `SegmentMark` bits, set by the reassembler and analyzers. */
  marks = 0;
  clientState: TcpState = 'UNKNOWN';
  serverState: TcpState = 'UNKNOWN';
  /** Bytes of this direction that were skipped as never seen just before this segment. */
  lostBefore = 0;
}
