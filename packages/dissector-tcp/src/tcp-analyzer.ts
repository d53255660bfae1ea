import {
  SegmentClass,
  SegmentMark,
  TcpFlag,
  seqDiff,
  type SegmentEvent,
  type SessionObserver,
  type TcpSession,
} from '@pakeana/framework';
import { TcpStateTracker } from './tcp-state.js';

/** Out-of-order window when the handshake gave no round-trip time (Wireshark's default). */
const DEFAULT_OOO_SECONDS = 0.003;

interface SideState {
  lastAck: number;
  lastWindow: number;
  ackSeen: boolean;
  /** Capture time when this side's highest sequence number last grew. */
  highSeqTime: number;
  highSeq: number;
}

interface AnalyzerState {
  client: SideState;
  server: SideState;
  states: TcpStateTracker;
  synTime: number;
  /** First round-trip time from the handshake (SYN to the ACK of the SYN-ACK), or -1. */
  rtt: number;
}

const newSide = (): SideState => ({ lastAck: 0, lastWindow: -1, ackSeen: false, highSeqTime: 0, highSeq: 0 });

/**
 * Wireshark-like TCP analysis on every segment: turns the reassembler's classification into
 * marks (retransmission, out-of-order, keep-alive, duplicate ACK, zero window, SYN
 * retransmission, reset, odd flags), counts them in the session's `tcp` counters, and keeps
 * each side's TCP state. Register it before triggers and printers: they read its marks.
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

  segment(session: TcpSession, event: SegmentEvent): void {
    const state = session.observerState[this.slot] as AnalyzerState;
    const tcp = event.tcp;
    const flags = tcp.flags;
    const fromClient = event.dir === 'client';
    const side = fromClient ? state.client : state.server;
    const peer = fromClient ? state.server : state.client;
    const stream = fromClient ? session.toServer : session.toClient;
    const counters = session.tcp;
    this.timeHandshake(state, event, fromClient);

    if (flags & TcpFlag.RST) counters.resets++;
    if (badFlags(flags)) event.marks |= SegmentMark.BadFlags;
    const keepAlive = isKeepAlive(event, stream.nextSeq);
    if (keepAlive) event.marks |= SegmentMark.KeepAlive;
    else this.classify(session, state, side, event);

    if (flags & TcpFlag.ACK && !(flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST))) {
      if (isDupAck(side, peer, event)) {
        event.marks |= SegmentMark.DupAck;
        counters.dupAcks++;
      }
    }
    if (tcp.window === 0 && !(flags & (TcpFlag.RST | TcpFlag.SYN))) {
      event.marks |= SegmentMark.ZeroWindow;
      counters.zeroWindows++;
    }
    if (flags & TcpFlag.ACK) {
      side.lastAck = tcp.ack;
      side.ackSeen = true;
    }
    side.lastWindow = tcp.window;
    if (seqDiff(stream.highSeq, side.highSeq) > 0 || side.highSeqTime === 0) {
      side.highSeq = stream.highSeq;
      side.highSeqTime = event.time;
    }
    state.states.apply(event, fromClient);
    event.clientState = state.states.client;
    event.serverState = state.states.server;
  }

  private classify(session: TcpSession, state: AnalyzerState, side: SideState, event: SegmentEvent): void {
    const counters = session.tcp;
    const syn = (event.tcp.flags & TcpFlag.SYN) !== 0;
    switch (event.segmentClass) {
      case SegmentClass.Retransmission:
      case SegmentClass.PartialRetransmission:
        event.marks |= syn ? SegmentMark.SynRetransmission | SegmentMark.Retransmission : SegmentMark.Retransmission;
        if (syn) counters.synRetransmissions++;
        else counters.retransmissions++;
        return;
      case SegmentClass.FillsHole: {
        // Wireshark: a hole filled within one round trip of the highest segment was
        // reordered on the way; later than that it was sent again.
        const window = state.rtt > 0 ? state.rtt : DEFAULT_OOO_SECONDS;
        if (event.time - side.highSeqTime < window) {
          event.marks |= SegmentMark.OutOfOrder;
          counters.outOfOrder++;
        } else {
          event.marks |= SegmentMark.Retransmission;
          counters.retransmissions++;
        }
        return;
      }
    }
  }

  private timeHandshake(state: AnalyzerState, event: SegmentEvent, fromClient: boolean): void {
    const flags = event.tcp.flags;
    if (fromClient && (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && state.synTime < 0) state.synTime = event.time;
    else if (fromClient && state.rtt < 0 && state.synTime >= 0 && (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK) {
      state.rtt = event.time - state.synTime;
    }
  }
}

/** SYN with FIN or RST, or no flag at all. */
function badFlags(flags: number): boolean {
  if ((flags & 0x3f) === 0) return true;
  return (flags & TcpFlag.SYN) !== 0 && (flags & (TcpFlag.FIN | TcpFlag.RST)) !== 0;
}

/** A keep-alive probe: 0 or 1 byte at one below the next expected sequence number. */
function isKeepAlive(event: SegmentEvent, nextSeq: number): boolean {
  const tcp = event.tcp;
  if (tcp.payloadWireLength > 1 || tcp.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) return false;
  return seqDiff(tcp.seq, nextSeq) === -1;
}

/** The same ACK and window again, without data, while the peer has data outstanding. */
function isDupAck(side: SideState, peer: SideState, event: SegmentEvent): boolean {
  const tcp = event.tcp;
  return (
    side.ackSeen &&
    tcp.payloadWireLength === 0 &&
    tcp.ack === side.lastAck &&
    tcp.window === side.lastWindow &&
    seqDiff(peer.highSeq, tcp.ack) > 0
  );
}
