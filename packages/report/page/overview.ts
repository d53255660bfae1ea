import { STATUS_CLASSES, type LatencyGroup, type ReportData, type ReportSummary, type StatusClass } from '../src/report-data.js';
import { formatSeconds } from '../src/duration-text.js';
import { perSecond } from '../src/timeline-rates.js';
import { chart, type SeriesSpec } from './charts.js';
import { formatBytes, formatCount, formatTime, h, isDate } from './dom.js';
import type { ColorName } from './palette.js';
import { sessionsTable } from './sessions-table.js';

const STATUS_STYLE: Record<StatusClass, { color: ColorName; dash?: number[] }> = {
  '1xx': { color: 'grey', dash: [2, 4] },
  '2xx': { color: 'green' },
  '3xx': { color: 'sky', dash: [8, 4] },
  '4xx': { color: 'orange', dash: [4, 3] },
  '5xx': { color: 'vermillion', dash: [10, 3, 2, 3] },
  none: { color: 'purple', dash: [2, 2] },
};

/** The overview: summary figures, the capture's timeline, HTTP rates and latencies, the sessions table. */
export function overview(data: ReportData, summary: ReportSummary): HTMLElement {
  const x = timelineX(data.timeline);
  return h(
    'div',
    { id: 'overview' },
    h('h1', {}, `pakeana report: ${data.title}`),
    summaryFigures(data, summary),
    timeline(data, summary, x),
    httpSection(data, summary, x),
    h('section', { 'aria-labelledby': 'sessions-title' }, h('h2', { id: 'sessions-title' }, 'Reported sessions'), sessionsTable(data.sessions)),
  );
}

function summaryFigures(data: ReportData, summary: ReportSummary): HTMLElement {
  const span = summary.start !== null && summary.end !== null ? `${formatTime(summary.start)}, ${formatSeconds(summary.end - summary.start)}` : 'no TCP segment';
  const triggers = Object.entries(summary.byTrigger).map(([name, n]) => `${name} ${formatCount(n)}`).join(', ') || 'none';
  const figure = (term: string, value: string) => h('div', { class: 'figure' }, h('dt', {}, term), h('dd', {}, value));
  const notes: string[] = [];
  if (summary.sessionsNotListed) notes.push(`${formatCount(summary.sessionsNotListed)} reported sessions are not listed: the table holds the first ${formatCount(summary.maxSessions)}.`);
  if (summary.detailsNotKept) notes.push(`${formatCount(summary.detailsNotKept)} listed sessions have no page: session pages are kept up to ${formatBytes(summary.maxDetailBytes)}.`);
  return h(
    'section',
    { 'aria-labelledby': 'summary-title' },
    h('h2', { id: 'summary-title' }, 'Summary'),
    h(
      'dl',
      { class: 'figures' },
      figure('Capture', span),
      figure('Packets', formatCount(summary.packets)),
      figure('Bytes', formatBytes(summary.bytes)),
      figure('TCP sessions', formatCount(summary.sessions)),
      figure('Reported sessions', `${formatCount(summary.reported)} (${triggers})`),
      figure('HTTP exchanges', formatCount(summary.httpExchanges)),
      figure('This file', `${formatBytes(summary.fileBytes)} (at most ${formatCount(summary.maxSessions)} sessions listed, ${formatBytes(summary.maxDetailBytes)} of session pages)`),
      figure('Made', formatTime(Date.parse(data.generated) / 1000)),
    ),
    ...notes.map((note) => h('p', { class: 'note' }, note)),
  );
}

/** A series of the timeline as rates per second (no segment on the timeline: no bin, whatever the end). */
function ratePerSecond(t: ReportData['timeline'], summary: ReportSummary): (values: number[]) => number[] {
  return (values) => perSecond(values, t, summary.end ?? t.start);
}

/** The timeline's x values (its bins' starts), and whether they are dates (a broken capture's times may not be). */
interface TimelineX {
  values: number[];
  time: boolean;
}

function timelineX(t: ReportData['timeline']): TimelineX {
  const values = t.packets.map((_, i) => t.start + i * t.bin);
  return { values, time: values.every(isDate) };
}

function timeline(data: ReportData, summary: ReportSummary, x: TimelineX): HTMLElement {
  const t = data.timeline;
  const rate = ratePerSecond(t, summary);
  const binNote = `Rates per second, counted in bins of ${formatSeconds(t.bin)}`;
  const reported: SeriesSpec = { label: 'reported sessions starting', values: t.reported.map((v) => (v > 0 ? v : null)), color: 'purple', style: 'points', size: 8, scale: 'rep' };
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Timeline'),
    h('p', { class: 'note' }, `${binNote}. Reported sessions are marked where they started (how many started in the bin: right axis).`),
    summary.segmentsLeftOut
      ? h('p', { class: 'note' }, `${formatCount(summary.segmentsLeftOut)} segments are left out of the timeline: their timestamps are outliers, far from the rest of the capture.`)
      : null,
    chart({
      title: 'TCP packets and payload bytes per second',
      x: x.values,
      time: x.time,
      sync: 'timeline',
      axes: [
        { scale: 'pps', label: 'packets/s' },
        { scale: 'Bps', label: 'bytes/s', side: 'right', format: (v) => formatBytes(v) },
      ],
      series: [
        { label: 'packets/s', values: rate(t.packets), color: 'blue', scale: 'pps' },
        { label: 'payload bytes/s', values: rate(t.bytes), color: 'orange', dash: [6, 3], scale: 'Bps', format: (v) => `${formatBytes(v)}/s` },
      ],
    }),
    chart({
      title: 'New sessions, resets and retransmissions per second, with the reported sessions',
      x: x.values,
      time: x.time,
      sync: 'timeline',
      axes: [
        { scale: 'n', label: 'per second' },
        { scale: 'rep', label: 'reported sessions', side: 'right' },
      ],
      series: [
        { label: 'new sessions/s', values: rate(t.sessions), color: 'green', scale: 'n' },
        { label: 'resets/s', values: rate(t.resets), color: 'vermillion', dash: [6, 3], scale: 'n' },
        { label: 'retransmissions/s', values: rate(t.retransmissions), color: 'orange', dash: [2, 3], scale: 'n' },
        reported,
      ],
    }),
  );
}

function httpSection(data: ReportData, summary: ReportSummary, x: TimelineX): HTMLElement | null {
  if (summary.httpExchanges === 0) return null;
  const t = data.timeline;
  const rate = ratePerSecond(t, summary);
  const classes = STATUS_CLASSES.filter((c) => t.http[c].some((v) => v > 0));
  const all = data.latency.groups.find((g) => g.kind === 'all')!;
  return h(
    'section',
    { 'aria-labelledby': 'http-title' },
    h('h2', { id: 'http-title' }, 'HTTP'),
    chart({
      title: 'HTTP requests per second by status class',
      x: x.values,
      time: x.time,
      sync: 'timeline',
      axes: [{ scale: 'r', label: 'requests/s' }],
      series: classes.map((c) => ({ label: c === 'none' ? 'no response' : c, values: rate(t.http[c]), scale: 'r', ...STATUS_STYLE[c] })),
    }),
    all.count
      ? chart({
          title: `Response times (request head to response head) of ${formatCount(all.count)} exchanges`,
          x: data.latency.edges.map((e) => e * 1000),
          time: false,
          logX: true,
          xLabel: 'milliseconds (bucket upper edge)',
          axes: [{ scale: 'c', label: 'exchanges' }],
          series: [{ label: 'exchanges', values: (all.counts ?? []).map((c) => (c > 0 ? c : null)), color: 'sky', style: 'bars', scale: 'c' }],
        })
      : h('p', {}, 'No exchange has both its request and its response in the capture: no response time to show.'),
    all.count ? latencyTable(data.latency.groups) : null,
  );
}

function latencyTable(groups: LatencyGroup[]): HTMLElement {
  const kinds = { all: 'all', host: 'host', path: 'path prefix' };
  const cell = (seconds: number) => h('td', { class: 'num' }, formatSeconds(seconds));
  return h(
    'table',
    { class: 'latency' },
    h('caption', {}, 'Response time percentiles (to within 12%: histogram buckets); per host and per path prefix when there are several'),
    h('thead', {}, h('tr', {}, ...['group', 'name', 'exchanges', 'p50', 'p90', 'p99', 'max'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ...groups.map((g) => h('tr', {}, h('td', {}, kinds[g.kind]), h('th', { scope: 'row' }, g.name), h('td', { class: 'num' }, formatCount(g.count)), cell(g.p50), cell(g.p90), cell(g.p99), cell(g.max))),
    ),
  );
}
