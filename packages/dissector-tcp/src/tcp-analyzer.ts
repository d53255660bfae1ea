import {
  SegmentClass,
  SegmentMark,
  TcpFlag,
  seqDiff as frameworkSeqDiff,
  type SegmentEvent,
  type TcpSession,
} from '@pakeana/framework';
import type { SessionObserver } from '@pakeana/framework/internal';
import { TcpStateTracker } from './tcp-state.js';

// Read once: the framework's re-exports are getters, too slow for the per-packet path.
const { SYN, ACK, FIN, RST } = TcpFlag;
const MARK = { ...SegmentMark };
const seqDiff = frameworkSeqDiff;
const KEEP_ALIVE_CLASS = SegmentClass.KeepAlive;

/** Out-of-order window when the handshake gave no round-trip time (Wireshark's default). */
const DEFAULT_OOO_SECONDS = 0.003;
/** A retransmission this soon after the receiver's duplicate ACKs is a fast retransmission. */
const FAST_RETRANSMISSION_SECONDS = 0.02;

interface SideState {
  /** The last ACK number this side sent, and when. */
  lastAck: number;
  lastAckTime: number;
  ackSeen: boolean;
  /** Duplicate ACKs this side sent in a row. */
  dupAcks: number;
  lastWindow: number;
  /** One past the highest sequence number this side sent (SYN/FIN included), and when it grew. */
  highSeq: number;
  highSeqTime: number;
  highSeqKnown: boolean;
}

interface AnalyzerState {
  client: SideState;
  server: SideState;
  states: TcpStateTracker;
  synTime: number;
  /** First round-trip time from the handshake (SYN to the ACK of the SYN-ACK), or -1. */
  rtt: number;
}

const newSide = (): SideState => ({
  lastAck: 0,
  lastAckTime: 0,
  ackSeen: false,
  dupAcks: 0,
  lastWindow: -1,
  highSeq: 0,
  highSeqTime: 0,
  highSeqKnown: false,
});

/**
 * Wireshark's TCP sequence analysis on every segment (packet-tcp.c,
 * tcp_analyze_sequence_number): keep-alive, spurious / fast / plain retransmission,
 * out-of-order, duplicate ACK, zero window; marks on the segment, counts in the session's
 * `tcp` counters, and each side's TCP state. Register it before triggers and printers: they
 * read its marks.
 */
export class TcpAnalyzer implements SessionObserver {
  private slot = 0;

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    const state: AnalyzerState = { client: newSide(), server: newSide(), states: new TcpStateTracker(), synTime: -1, rtt: -1 };
    session.observerState[this.slot] = state;
  }

  /** A dissector saw the roles reversed: each side's state changes places. */
  swapped(session: TcpSession): void {
    const state = session.observerState[this.slot] as AnalyzerState;
    [state.client, state.server] = [state.server, state.client];
    state.states.swapSides();
  }

  segment(session: TcpSession, event: SegmentEvent): void {
    const state = session.observerState[this.slot] as AnalyzerState;
    const tcp = event.tcp;
    const flags = tcp.flags;
    const fromClient = event.dir === 'client';
    const side = fromClient ? state.client : state.server;
    const peer = fromClient ? state.server : state.client;
    const counters = session.tcp;
    this.timeHandshake(state, event, fromClient);

    if (flags & RST) counters.resets++;
    if (badFlags(flags)) event.marks |= MARK.BadFlags;
    // The reassembler knows probes that open a direction seen mid-stream (no byte before to compare with).
    if (event.segmentClass === KEEP_ALIVE_CLASS || isKeepAlive(event, side)) event.marks |= MARK.KeepAlive;
    else this.classify(session, state, side, peer, event);
    this.noteAck(side, event, counters);
    if (tcp.window === 0 && !(flags & (RST | SYN))) {
      event.marks |= MARK.ZeroWindow;
      counters.zeroWindows++;
    }
    side.lastWindow = tcp.window;
    const end = (tcp.seq + tcp.payloadWireLength + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0)) | 0;
    if (!side.highSeqKnown || seqDiff(end, side.highSeq) > 0) {
      side.highSeq = end;
      side.highSeqTime = event.time;
      side.highSeqKnown = true;
    }
    state.states.apply(event, fromClient);
    event.clientState = state.states.client;
    event.serverState = state.states.server;
  }

  private classify(session: TcpSession, state: AnalyzerState, side: SideState, peer: SideState, event: SegmentEvent): void {
    const tcp = event.tcp;
    const length = tcp.payloadWireLength;
    const syn = (tcp.flags & SYN) !== 0;
    if (length === 0 && !(tcp.flags & (SYN | FIN))) return;
    let notAdvanced = side.highSeqKnown && seqDiff(tcp.seq, side.highSeq) < 0;
    // More than one byte at one below the next sequence number: new data after a window probe.
    if (length > 1 && ((side.highSeq - 1) | 0) === (tcp.seq | 0)) notAdvanced = false;
    const spurious = length > 0 && peer.ackSeen && seqDiff((tcp.seq + length) | 0, peer.lastAck) <= 0;
    const fast =
      notAdvanced && peer.dupAcks >= 2 && peer.lastAck === tcp.seq && event.time - peer.lastAckTime < FAST_RETRANSMISSION_SECONDS;
    const window = state.rtt > 0 ? state.rtt : DEFAULT_OOO_SECONDS;
    const end = (tcp.seq + length + (tcp.flags & SYN ? 1 : 0) + (tcp.flags & FIN ? 1 : 0)) | 0;
    const reordered = notAdvanced && event.time - side.highSeqTime < window && side.highSeq !== end;
    if (spurious || fast || (notAdvanced && !reordered)) this.retransmission(session, event, syn);
    else if (reordered) {
      event.marks |= MARK.OutOfOrder;
      session.tcp.outOfOrder++;
    }
  }

  private retransmission(session: TcpSession, event: SegmentEvent, syn: boolean): void {
    if (syn) {
      event.marks |= MARK.SynRetransmission | MARK.Retransmission;
      session.tcp.synRetransmissions++;
    } else {
      event.marks |= MARK.Retransmission;
      session.tcp.retransmissions++;
    }
  }

  /** Duplicate ACKs as Wireshark counts them: no data, same window, same ACK, at the next sequence number. */
  private noteAck(side: SideState, event: SegmentEvent, counters: TcpSession['tcp']): void {
    const tcp = event.tcp;
    if (!(tcp.flags & ACK)) return;
    const duplicate =
      side.ackSeen &&
      tcp.payloadWireLength === 0 &&
      tcp.window !== 0 &&
      tcp.window === side.lastWindow &&
      tcp.seq === side.highSeq &&
      tcp.ack === side.lastAck &&
      !(tcp.flags & (SYN | FIN | RST));
    if (duplicate) {
      side.dupAcks++;
      event.marks |= MARK.DupAck;
      counters.dupAcks++;
    } else if (tcp.ack !== side.lastAck) {
      side.dupAcks = 0;
    }
    side.lastAck = tcp.ack;
    side.lastAckTime = event.time;
    side.ackSeen = true;
  }

  private timeHandshake(state: AnalyzerState, event: SegmentEvent, fromClient: boolean): void {
    const flags = event.tcp.flags;
    if (fromClient && (flags & (SYN | ACK)) === SYN && state.synTime < 0) state.synTime = event.time;
    else if (fromClient && state.rtt < 0 && state.synTime >= 0 && (flags & (SYN | ACK)) === ACK) {
      state.rtt = event.time - state.synTime;
    }
  }
}

/** SYN with FIN or RST, or no flag at all. */
function badFlags(flags: number): boolean {
  if ((flags & 0x3f) === 0) return true;
  return (flags & SYN) !== 0 && (flags & (FIN | RST)) !== 0;
}

/** A keep-alive probe: 0 or 1 byte at one below the next sequence number. */
function isKeepAlive(event: SegmentEvent, side: SideState): boolean {
  const tcp = event.tcp;
  if (!side.highSeqKnown || tcp.payloadWireLength > 1 || tcp.flags & (SYN | FIN | RST)) return false;
  return seqDiff(tcp.seq, side.highSeq) === -1;
}
