import { TcpFlag, type SegmentEvent, type TcpState } from '@pakeana/framework';

/**
 * Each side's TCP state as seen from the wire (RFC 793's machine, driven by both sides'
 * segments), the way miruo prints it. A connection seen mid-stream starts ESTABLISHED.
 */
export class TcpStateTracker {
  client: TcpState = 'CLOSED';
  server: TcpState = 'LISTEN';
  /** Sequence number one past each side's FIN, to recognise the ACK of it. */
  private clientFinAck = -1;
  private serverFinAck = -1;

  apply(event: SegmentEvent, fromClient: boolean): void {
    const flags = event.tcp.flags;
    let sender = fromClient ? this.client : this.server;
    let receiver = fromClient ? this.server : this.client;
    if (flags & TcpFlag.RST) {
      sender = 'CLOSED';
      receiver = 'CLOSED';
    } else {
      if (sender === 'CLOSED' || sender === 'LISTEN' || sender === 'UNKNOWN') {
        if (!(flags & TcpFlag.SYN)) [sender, receiver] = ['ESTABLISHED', receiver === 'CLOSED' || receiver === 'LISTEN' ? 'ESTABLISHED' : receiver];
      }
      if (flags & TcpFlag.SYN) [sender, receiver] = this.onSyn(flags, receiver);
      if (flags & TcpFlag.ACK) [sender, receiver] = this.onAck(event, fromClient, sender, receiver);
      if (flags & TcpFlag.FIN) [sender, receiver] = this.onFin(event, fromClient, sender, receiver);
    }
    if (fromClient) [this.client, this.server] = [sender, receiver];
    else [this.server, this.client] = [sender, receiver];
  }

  private onSyn(flags: number, receiver: TcpState): [TcpState, TcpState] {
    if (flags & TcpFlag.ACK) return ['SYN_RECV', receiver === 'SYN_SENT' || receiver === 'CLOSED' ? 'ESTABLISHED' : receiver];
    return ['SYN_SENT', receiver === 'LISTEN' || receiver === 'CLOSED' ? 'SYN_RECV' : receiver];
  }

  private onAck(event: SegmentEvent, fromClient: boolean, sender: TcpState, receiver: TcpState): [TcpState, TcpState] {
    if (sender === 'SYN_RECV' && !(event.tcp.flags & TcpFlag.SYN)) sender = 'ESTABLISHED';
    if (receiver === 'SYN_RECV' && !(event.tcp.flags & TcpFlag.SYN)) receiver = 'ESTABLISHED';
    const peerFinAck = fromClient ? this.serverFinAck : this.clientFinAck;
    if (peerFinAck >= 0 && event.tcp.ack === peerFinAck) {
      // The sender acknowledges the receiver's FIN.
      if (receiver === 'FIN_WAIT1') receiver = 'FIN_WAIT2';
      else if (receiver === 'CLOSING') receiver = 'TIME_WAIT';
      else if (receiver === 'LAST_ACK') receiver = 'CLOSED';
    }
    return [sender, receiver];
  }

  private onFin(event: SegmentEvent, fromClient: boolean, sender: TcpState, receiver: TcpState): [TcpState, TcpState] {
    const finAck = (event.tcp.seq + event.tcp.payloadWireLength + 1) >>> 0;
    if (fromClient) this.clientFinAck = finAck;
    else this.serverFinAck = finAck;
    if (sender === 'ESTABLISHED' || sender === 'SYN_RECV') sender = 'FIN_WAIT1';
    else if (sender === 'CLOSE_WAIT') sender = 'LAST_ACK';
    if (receiver === 'ESTABLISHED') receiver = 'CLOSE_WAIT';
    else if (receiver === 'FIN_WAIT1') receiver = 'CLOSING';
    else if (receiver === 'FIN_WAIT2') receiver = 'TIME_WAIT';
    return [sender, receiver];
  }
}
