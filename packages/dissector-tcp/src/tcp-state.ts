import { TcpFlag, type SegmentEvent, type TcpState } from '@pakeana/framework';

// Read once: the framework's re-exports are getters, too slow for the per-packet path.
const { SYN, ACK, FIN, RST } = TcpFlag;

/**
 * Each side's TCP state as seen from the wire (RFC 9293's machine, driven by both sides'
 * segments), the way miruo prints it. A connection seen mid-stream starts ESTABLISHED.
 * No allocation per segment: the sender/receiver pair lives in two fields.
 */
export class TcpStateTracker {
  client: TcpState = 'CLOSED';
  server: TcpState = 'LISTEN';
  /** Sequence number one past each side's FIN, to recognise the ACK of it; -1 before. */
  private clientFinAck = -1;
  private serverFinAck = -1;
  private sender: TcpState = 'CLOSED';
  private receiver: TcpState = 'CLOSED';
  /** False until the first segment: only then may a connection be joined mid-stream. */
  private started = false;

  apply(event: SegmentEvent, fromClient: boolean): void {
    const flags = event.tcp.flags;
    this.sender = fromClient ? this.client : this.server;
    this.receiver = fromClient ? this.server : this.client;
    if (flags & RST) {
      this.sender = 'CLOSED';
      this.receiver = 'CLOSED';
    } else {
      if (!(flags & SYN) && !this.started) this.joinMidStream();
      if (flags & SYN) this.onSyn(flags);
      if (flags & ACK) this.onAck(event, fromClient);
      if (flags & FIN) this.onFin(event, fromClient);
    }
    this.started = true;
    if (fromClient) {
      this.client = this.sender;
      this.server = this.receiver;
    } else {
      this.server = this.sender;
      this.client = this.receiver;
    }
  }

  /** Client and server change places (the session's roles were swapped). */
  swapSides(): void {
    [this.client, this.server] = [this.server, this.client];
    [this.clientFinAck, this.serverFinAck] = [this.serverFinAck, this.clientFinAck];
  }

  /** The first segment seen is not a SYN: the connection was open before the capture. */
  private joinMidStream(): void {
    this.sender = 'ESTABLISHED';
    if (isBeforeConnection(this.receiver)) this.receiver = 'ESTABLISHED';
  }

  private onSyn(flags: number): void {
    const receiver = this.receiver;
    if (flags & ACK) {
      this.sender = 'SYN_RECV';
      if (receiver === 'SYN_SENT' || receiver === 'CLOSED') this.receiver = 'ESTABLISHED';
    } else {
      this.sender = 'SYN_SENT';
      if (receiver === 'LISTEN' || receiver === 'CLOSED') this.receiver = 'SYN_RECV';
    }
  }

  private onAck(event: SegmentEvent, fromClient: boolean): void {
    const synToo = (event.tcp.flags & SYN) !== 0;
    if (this.sender === 'SYN_RECV' && !synToo) this.sender = 'ESTABLISHED';
    if (this.receiver === 'SYN_RECV' && !synToo) this.receiver = 'ESTABLISHED';
    const peerFinAck = fromClient ? this.serverFinAck : this.clientFinAck;
    if (peerFinAck < 0 || event.tcp.ack !== peerFinAck) return;
    // The sender acknowledges the receiver's FIN.
    if (this.receiver === 'FIN_WAIT1') this.receiver = 'FIN_WAIT2';
    else if (this.receiver === 'CLOSING') this.receiver = 'TIME_WAIT';
    else if (this.receiver === 'LAST_ACK') this.receiver = 'CLOSED';
  }

  private onFin(event: SegmentEvent, fromClient: boolean): void {
    const finAck = (event.tcp.seq + event.tcp.payloadWireLength + 1) >>> 0;
    if (fromClient) this.clientFinAck = finAck;
    else this.serverFinAck = finAck;
    if (this.sender === 'ESTABLISHED' || this.sender === 'SYN_RECV') this.sender = 'FIN_WAIT1';
    else if (this.sender === 'CLOSE_WAIT') this.sender = 'LAST_ACK';
    if (this.receiver === 'ESTABLISHED') this.receiver = 'CLOSE_WAIT';
    else if (this.receiver === 'FIN_WAIT1') this.receiver = 'CLOSING';
    else if (this.receiver === 'FIN_WAIT2') this.receiver = 'TIME_WAIT';
  }
}

function isBeforeConnection(state: TcpState): boolean {
  return state === 'CLOSED' || state === 'LISTEN' || state === 'UNKNOWN';
}
