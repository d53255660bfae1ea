import { LADDER_ROWS, type SegmentBits, type SessionDetail } from '../src/report-data.js';
import { h, s } from './dom.js';

const ROW = 22;
const TOP = 44;
const WIDTH = 860;
const CLIENT_X = 150;
const SERVER_X = 830;
/** How much lower an arrow ends than it starts: the ladder's slant. */
const SLANT = 8;

type Kind = 'seg' | 'http' | 'retrans' | 'ooo';

/**
 * The ladder (flow) diagram: the client's and the server's time lines, one arrow per segment
 * in capture order, labelled with its flags, sequence numbers and length; the segments that
 * carried an HTTP request or response line are drawn as the exchange's arrows, labelled with
 * that line; retransmitted and out-of-order segments are drawn in their own colour and dash.
 */
export function ladder(detail: SessionDetail, bits: SegmentBits, client: string, server: string): HTMLElement {
  const c = detail.segments;
  const rows = Math.min(c.number.length, LADDER_ROWS);
  const exchanges = new Map(detail.exchanges.map((e) => [e.segment, e.more ? `${e.text} (+${e.more} more)` : e.text]));
  const height = TOP + rows * ROW + 16;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', 'aria-labelledby': `ladder-title-${detail.id}`, class: 'ladder' });
  svg.append(
    s('title', { id: `ladder-title-${detail.id}` }, `Ladder diagram of ${rows} segments between ${client} and ${server}`),
    s('defs', {}, ...(['seg', 'http', 'retrans', 'ooo'] as Kind[]).map((kind) => s('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: `m-${kind}` })))),
    s('text', { x: CLIENT_X, y: 16, 'text-anchor': 'middle', class: 'l-end' }, `client ${client}`),
    s('text', { x: SERVER_X, y: 16, 'text-anchor': 'end', class: 'l-end' }, `server ${server}`),
    s('line', { x1: CLIENT_X, y1: TOP - 14, x2: CLIENT_X, y2: height - 8, class: 'l-axis' }),
    s('line', { x1: SERVER_X, y1: TOP - 14, x2: SERVER_X, y2: height - 8, class: 'l-axis' }),
  );
  for (let i = 0; i < rows; i++) {
    const y = TOP + i * ROW;
    const fromClient = c.fromClient[i] === 1;
    const marks = c.marks[i]!;
    const exchange = exchanges.get(c.number[i]!);
    const kind: Kind = marks & bits.marks.retransmission ? 'retrans' : marks & bits.marks.outOfOrder ? 'ooo' : exchange ? 'http' : 'seg';
    const [x1, x2] = fromClient ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
    svg.append(
      s('text', { x: 4, y: y + 6, class: 'l-time' }, `${c.number[i]}  ${c.time[i]!.toFixed(6)}`),
      s('line', { x1, y1: y, x2, y2: y + SLANT, class: `l-${kind}`, 'marker-end': `url(#arrow-${kind})` }),
      s('text', { x: (CLIENT_X + SERVER_X) / 2, y: y - 3, 'text-anchor': 'middle', class: exchange ? 'l-label l-exchange' : 'l-label' }, exchange ? `${exchange}  (${segmentText(detail, bits, i)})` : segmentText(detail, bits, i)),
    );
  }
  const more = c.number.length - rows + detail.segmentsNotShown;
  return h('figure', { class: 'ladder-figure' }, h('figcaption', {}, 'Ladder diagram: segments between client and server, HTTP exchanges labelled'), h('div', { class: 'ladder-scroll' }, svg), more > 0 ? h('p', { class: 'note' }, `${more} later segments are not drawn.`) : null);
}

/** `PSH,ACK seq=1:79 ack=1 win=502 (retransmission)`. */
function segmentText(detail: SessionDetail, bits: SegmentBits, i: number): string {
  const c = detail.segments;
  const flags = Object.entries(bits.flags)
    .filter(([, bit]) => c.flags[i]! & bit)
    .map(([name]) => name)
    .join(',');
  const seq = c.length[i] ? `${c.seq[i]}:${c.seq[i]! + c.length[i]!}` : `${c.seq[i]}`;
  const ack = c.ack[i]! >= 0 ? ` ack=${c.ack[i]}` : '';
  const notes = Object.entries(bits.marks)
    .filter(([, bit]) => c.marks[i]! & bit)
    .map(([name]) => name.replace(/[A-Z]/g, (l) => ` ${l.toLowerCase()}`));
  return `${flags || 'no flags'} seq=${seq}${ack} win=${c.window[i]} len=${c.length[i]}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
