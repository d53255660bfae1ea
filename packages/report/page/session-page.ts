import type { ReportData, SessionDetail, SessionRow } from '../src/report-data.js';
import { formatSeconds } from '../src/duration-text.js';
import { chart, type SeriesSpec } from './charts.js';
import { formatBytes, formatCount, formatTime, h } from './dom.js';
import { ladder } from './ladder.js';

/** A session's page: its facts, its pretty lines, its ladder and its time-sequence graphs. */
export function sessionPage(data: ReportData, row: SessionRow): HTMLElement {
  const element = document.getElementById(`session-${row.id}`);
  const detail = element ? (JSON.parse(element.textContent ?? 'null') as SessionDetail) : null;
  const title = h('h1', { tabindex: -1 }, `Session #${row.id}: ${row.client} → ${row.server}`);
  const facts = h(
    'p',
    { class: 'facts' },
    `${formatTime(row.start)}, ${formatSeconds(row.duration)}, ${formatCount(row.packets)} packets, ${formatBytes(row.bytes)}, ${row.state}` +
      `${row.triggers.length ? `; triggers: ${row.triggers.join(', ')}` : ''}${row.marks.length ? `; marks: ${row.marks.join(', ')}` : ''}`,
  );
  const page = h('div', { id: 'session-page' }, h('p', {}, h('a', { href: '#' }, '← all sessions')), title, facts);
  if (!detail) {
    page.append(h('p', { class: 'note' }, 'This session has no page: the report keeps session pages up to its size bound.'));
    return page;
  }
  page.append(
    h('section', { 'aria-labelledby': 'lines-title' }, h('h2', { id: 'lines-title' }, 'Lines'), h('pre', { class: 'lines', tabindex: 0 }, detail.text)),
    h('section', { 'aria-labelledby': 'ladder-title' }, h('h2', { id: 'ladder-title' }, 'Ladder'), ladder(detail, data.bits, row.client, row.server)),
    h(
      'section',
      { 'aria-labelledby': 'tsg-title' },
      h('h2', { id: 'tsg-title' }, 'Time-sequence graphs'),
      h('p', { class: 'note' }, 'As tcptrace draws them: each data segment at its end sequence number, against the acknowledgements and the window edge (ack + window) the other side advertised. Drag to zoom in, double-click to zoom out.'),
      timeSequence(data, detail, true, row),
      timeSequence(data, detail, false, row),
    ),
  );
  return page;
}

/** One direction's time-sequence graph (tcptrace's): sequence numbers against time. */
function timeSequence(data: ReportData, detail: SessionDetail, fromClient: boolean, row: SessionRow): HTMLElement {
  const c = detail.segments;
  const { retransmission, outOfOrder } = data.bits.marks;
  const { SYN } = data.bits.flags;
  const sender = fromClient ? 1 : 0;
  // The receiver's window is in its units: scaled by its own shift (the other side's).
  const scale = detail.windowScale[fromClient ? 1 : 0];
  const order = c.time.map((_, i) => i).sort((a, b) => c.time[a]! - c.time[b]!);
  const pick = (test: (i: number) => boolean, value: (i: number) => number) => order.map((i) => (test(i) ? value(i) : null));
  const sent = (i: number) => c.fromClient[i] === sender && c.length[i]! > 0;
  const end = (i: number) => c.seq[i]! + c.length[i]!;
  const acking = (i: number) => c.fromClient[i] !== sender && c.ack[i]! >= 0;
  const series: SeriesSpec[] = [
    { label: 'data', values: pick((i) => sent(i) && !(c.marks[i]! & (retransmission | outOfOrder)), end), color: 'blue', style: 'points', size: 5, scale: 'seq' },
    { label: 'retransmission', values: pick((i) => sent(i) && (c.marks[i]! & retransmission) !== 0, end), color: 'vermillion', style: 'points', size: 9, scale: 'seq' },
    { label: 'out of order', values: pick((i) => sent(i) && (c.marks[i]! & outOfOrder) !== 0 && !(c.marks[i]! & retransmission), end), color: 'orange', style: 'points', size: 9, hollow: true, scale: 'seq' },
    { label: 'ack', values: pick(acking, (i) => c.ack[i]!), color: 'green', style: 'step', scale: 'seq' },
    // A SYN's window is never scaled (RFC 7323).
    { label: 'window edge', values: pick(acking, (i) => c.ack[i]! + c.window[i]! * (c.flags[i]! & SYN ? 1 : 2 ** scale)), color: 'purple', style: 'step', dash: [5, 3], scale: 'seq' },
  ];
  const [from, to] = fromClient ? [row.client, row.server] : [row.server, row.client];
  // A window far above the data would flatten it to the bottom: the scale stops above the data
  // and the acknowledgements, and a checkbox shows the window edge as well.
  const top = (values: (number | null)[]) => values.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  const dataTop = Math.max(...series.slice(0, 4).map((s) => top(s.values)));
  const windowTop = top(series[4]!.values);
  const clamp = dataTop > 0 && windowTop > 3 * dataTop;
  return chart({
    title: `${from} → ${to}: sequence numbers (relative) against time`,
    x: order.map((i) => c.time[i]!),
    time: false,
    xLabel: 'seconds since the first segment',
    axes: [{ scale: 'seq', label: 'relative sequence number', ...(clamp ? { max: dataTop * 1.25 } : {}) }],
    ...(clamp ? { unclamp: `scale to the window edge too (up to ${windowTop.toLocaleString('en-US')}, far above the data)` } : {}),
    series,
    height: 260,
    zoomXY: true,
  });
}
