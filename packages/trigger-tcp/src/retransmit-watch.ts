import { SegmentMark, TcpFlag, type SegmentEvent, type SessionWatch } from '@pakeana/framework';
import { SendTimes } from './send-times.js';

// Read once: the framework's re-exports are getters, too slow for the per-segment path.
const { Retransmission } = SegmentMark;
const { FIN, SYN } = TcpFlag;

/**
 * Fires on a retransmission that comes at least `after` seconds after the original
 * transmission of its first byte. Remembers when each sequence number was first sent (a
 * bounded window per direction); a retransmission whose original is forgotten counts as late.
 */
export class RetransmitWatch implements SessionWatch {
  // Made at the first payload: a session without payload (a SYN flood's) needs none.
  private client: SendTimes | null = null;
  private server: SendTimes | null = null;

  constructor(
    private readonly after: number,
    private readonly fire: () => void,
  ) {}

  segment(event: SegmentEvent): void {
    const tcp = event.tcp;
    if (tcp.payloadWireLength === 0 && !(tcp.flags & FIN)) return;
    // a comparison, not this[event.dir]: a property read by a varying name is a slow lookup
    const sent = event.dir === 'client' ? (this.client ??= new SendTimes()) : (this.server ??= new SendTimes());
    if (!(event.marks & Retransmission) || tcp.flags & SYN) {
      sent.remember(tcp.seq, event.time);
      return;
    }
    const original = sent.originalTime(tcp.seq);
    if (original === undefined || event.time - original >= this.after) this.fire();
  }
}
