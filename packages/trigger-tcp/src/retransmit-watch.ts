import { SegmentMark, TcpFlag, seqDiff, type SegmentEvent, type SessionWatch } from '@pakeana/framework';

const { Retransmission } = SegmentMark;
/** Original send times remembered per direction; older ones are forgotten. */
const REMEMBERED = 1024;

/**
 * Fires on a retransmission that comes at least `after` seconds after the original
 * transmission of its first byte. Remembers when each sequence number was first sent (a
 * bounded window per direction); a retransmission whose original is forgotten counts as late.
 */
export class RetransmitWatch implements SessionWatch {
  private readonly sent = { client: new Map<number, number>(), server: new Map<number, number>() };

  constructor(
    private readonly after: number,
    private readonly fire: () => void,
  ) {}

  segment(event: SegmentEvent): void {
    const tcp = event.tcp;
    if (tcp.payloadWireLength === 0 && !(tcp.flags & TcpFlag.FIN)) return;
    const sent = this.sent[event.dir];
    if (!(event.marks & Retransmission) || tcp.flags & TcpFlag.SYN) {
      if (!sent.has(tcp.seq)) this.remember(sent, tcp.seq, event.time);
      return;
    }
    const original = this.originalTime(sent, tcp.seq);
    if (original === undefined || event.time - original >= this.after) this.fire();
  }

  private remember(sent: Map<number, number>, seq: number, time: number): void {
    sent.set(seq, time);
    if (sent.size > REMEMBERED) sent.delete(sent.keys().next().value!);
  }

  /** When the segment holding `seq` was first sent: the latest start at or below it. */
  private originalTime(sent: Map<number, number>, seq: number): number | undefined {
    const exact = sent.get(seq);
    if (exact !== undefined) return exact;
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const [start, time] of sent) {
      const distance = seqDiff(seq, start);
      if (distance >= 0 && distance < bestDistance) {
        best = time;
        bestDistance = distance;
      }
    }
    return best;
  }
}
