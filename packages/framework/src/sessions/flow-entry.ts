import type { StoredFrame } from '../sources/frame.js';
import type { SessionQueue } from './session-queue.js';
import type { TcpSession } from './tcp-session.js';

/**
 * What the flow table keys and links: a live session (TcpSession), a lone SYN waiting for a
 * second packet (SynEntry), or the tombstone a finished session leaves behind. The links are
 * intrusive: hash chain, idle (LRU) order, and the tracker's queue the entry waits in (closing,
 * tombstones, or half-open).
 */
export interface FlowEntry {
  readonly hash: number;
  readonly ipVersion: 4 | 6;
  readonly clientPort: number;
  readonly serverPort: number;
  /** The encapsulation context (VLANs, tunnels) the flow came through, 0 without: part of the key. */
  readonly context: number;
  /** The client's address as 32-bit words, then the server's. */
  readonly addressWords: number[];
  /** Capture time of the last segment. */
  lastTime: number;
  /**
   * The timer clock's time (which never steps back) when a packet last touched the entry:
   * what idle timeout and close linger count from, so that the idle order is also the order
   * of expiry.
   */
  touchedAt: number;
  /** The index of the frame that last touched the entry (its place in the idle order). */
  touchedFrame: number;
  /** True for a tombstone, and for a session once finished. */
  finished: boolean;
  nextInBucket: FlowEntry | null;
  idlePrev: FlowEntry | null;
  idleNext: FlowEntry | null;
  queue: SessionQueue<FlowEntry> | null;
  waitPrev: FlowEntry | null;
  waitNext: FlowEntry | null;
}

/** A flow entry's links, unlinked: hash chain, idle order, and the tracker's queue (see `FlowEntry`). */
export abstract class FlowLinks {
  nextInBucket: FlowEntry | null = null;
  idlePrev: FlowEntry | null = null;
  idleNext: FlowEntry | null = null;
  queue: SessionQueue<FlowEntry> | null = null;
  waitPrev: FlowEntry | null = null;
  waitNext: FlowEntry | null = null;
}

/**
 * What stays of a finished session while its late packets are still expected (FIN and ACK
 * retransmissions): its key and times, about 150 bytes where the session held kilobytes. A
 * late packet that finds it is absorbed; a new SYN from the client replaces it.
 */
export class Tombstone extends FlowLinks implements FlowEntry {
  readonly hash: number;
  readonly ipVersion: 4 | 6;
  readonly clientPort: number;
  readonly serverPort: number;
  readonly context: number;
  readonly addressWords: number[];
  lastTime: number;
  touchedAt: number;
  touchedFrame: number;
  /** The timer clock's time when the session finished: what `limits.tombstone` counts from. */
  buriedAt = 0;
  readonly finished = true;

  constructor(of: FlowEntry) {
    super();
    this.hash = of.hash;
    this.ipVersion = of.ipVersion;
    this.clientPort = of.clientPort;
    this.serverPort = of.serverPort;
    this.context = of.context;
    this.addressWords = of.addressWords;
    this.lastTime = of.lastTime;
    this.touchedAt = of.touchedAt;
    this.touchedFrame = of.touchedFrame;
  }
}

/** A flow in the table's creation order: a session, or a SYN that may become one. */
export type OpenEntry = TcpSession | SynEntry;

/**
 * A flow seen by its client's first SYN alone: its key, its id, and a copy of the SYN, about
 * 500 bytes where a session holds 2 KiB in 15 objects. A SYN flood churns through these; the
 * session is made (and the SYN replayed into it) when a second packet comes, or when the
 * entry is finished (evicted, timed out, at the end), so that what is reported is the same.
 */
export class SynEntry extends FlowLinks implements FlowEntry {
  lastTime: number;
  touchedAt = 0;
  touchedFrame = 0;
  readonly finished = false;
  agePrev: OpenEntry | null = null;
  ageNext: OpenEntry | null = null;

  constructor(
    readonly id: number,
    readonly hash: number,
    readonly ipVersion: 4 | 6,
    readonly clientPort: number,
    readonly serverPort: number,
    readonly context: number,
    readonly addressWords: number[],
    /** The SYN, to replay. */
    readonly syn: StoredFrame,
    time: number,
  ) {
    super();
    this.lastTime = time;
  }

  get firstFrame(): number {
    return this.syn.index;
  }
}
