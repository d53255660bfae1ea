import uPlot from 'uplot';
import { h } from './dom.js';
import { color, type ColorName } from './palette.js';

/** One series of a chart: a line (solid or dashed), a step line, points or bars. */
export interface SeriesSpec {
  label: string;
  values: (number | null)[];
  color: ColorName;
  dash?: number[];
  /** The y scale (and axis) it is drawn against. */
  scale?: string;
  style?: 'line' | 'step' | 'points' | 'bars';
  /** Points: their size in pixels. */
  size?: number;
  /** Points: rings (outline only), told apart from filled points of a close colour. */
  hollow?: boolean;
  format?: (value: number) => string;
}

export interface AxisSpec {
  scale: string;
  label: string;
  side?: 'left' | 'right';
  format?: (value: number) => string;
  /** The top of the scale unless the figure's checkbox (ChartSpec.unclamp) asks for all of it. */
  max?: number;
}

export interface ChartSpec {
  /** The figure's caption, also the canvas's accessible name. */
  title: string;
  x: number[];
  /** X values are capture times (seconds since the epoch); else plain numbers. */
  time: boolean;
  xLabel?: string;
  /** A logarithmic x scale (the latency histogram). */
  logX?: boolean;
  axes: AxisSpec[];
  series: SeriesSpec[];
  height?: number;
  /** Charts with the same key show the cursor at the same x. */
  sync?: string;
  /** Dragging zooms in on both axes (else on time only); a double click zooms out. */
  zoomXY?: boolean;
  /** With axes that have a `max`: the label of a checkbox that shows the whole range. */
  unclamp?: string;
}

interface Drawn {
  plot: uPlot;
  spec: ChartSpec;
  box: HTMLElement;
  /** The axes' `max` is ignored. */
  whole: boolean;
}

const charts: Drawn[] = [];

/**
 * A uPlot chart in a <figure> with its caption; redrawn in the colours of a new colour scheme
 * and resized with the window.
 */
export function chart(spec: ChartSpec): HTMLElement {
  const box = h('div', { class: 'chart-box' });
  const entry: Drawn = { plot: null as unknown as uPlot, spec, box, whole: false };
  const toggle = spec.unclamp
    ? h('label', { class: 'unclamp' }, h('input', { type: 'checkbox', onchange: (e: Event) => ((entry.whole = (e.target as HTMLInputElement).checked), draw(entry)) }), ` ${spec.unclamp}`)
    : null;
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, spec.title), toggle, box);
  // Drawn once the figure is in the page (uPlot measures its box).
  requestAnimationFrame(() => {
    entry.plot = new uPlot(options(entry), data(spec), box);
    charts.push(entry);
    labelCanvas(box, spec.title);
  });
  return figure;
}

/** Draws every chart again: the colours are the scheme's own (palette.ts), sizes the box's. */
export function redrawCharts(): void {
  for (const entry of charts) draw(entry);
}

function draw(entry: Drawn): void {
  entry.plot?.destroy();
  entry.plot = new uPlot(options(entry), data(entry.spec), entry.box);
  labelCanvas(entry.box, entry.spec.title);
}

/** Fits the charts of visible boxes to their width. */
export function resizeCharts(): void {
  for (const { plot, box, spec } of charts) if (box.clientWidth > 0) plot.setSize({ width: box.clientWidth, height: spec.height ?? 220 });
}

/** Removes the charts inside `element` (a session page being left). */
export function dropCharts(element: HTMLElement): void {
  for (let i = charts.length - 1; i >= 0; i--) {
    if (!element.contains(charts[i]!.box)) continue;
    charts[i]!.plot.destroy();
    charts.splice(i, 1);
  }
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const compact = (value: number): string => compactFormat.format(value);

function labelCanvas(box: HTMLElement, title: string): void {
  const canvas = box.querySelector('canvas');
  canvas?.setAttribute('role', 'img');
  canvas?.setAttribute('aria-label', title);
}

function data(spec: ChartSpec): uPlot.AlignedData {
  return [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
}

function options({ spec, box, whole }: Drawn): uPlot.Options {
  const fg = color('fg');
  const grid = color('grid');
  const axis = (a: Partial<AxisSpec> & { label?: string }, side: number): uPlot.Axis => ({
    scale: a.scale ?? 'x',
    label: a.label,
    side,
    // Room for the widest tick label (compact: 1.2M) and the axis label beside it.
    ...(side % 2 === 1 ? { size: 64 } : {}),
    stroke: fg,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(a.format || side % 2 === 1 ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (a.format ?? compact)(t)) } : {}),
    ...(side === 1 ? { grid: { show: false } } : {}),
  });
  return {
    width: Math.max(320, box.clientWidth || 800),
    height: spec.height ?? 220,
    // Times in UTC, as the summary and the table give them.
    ...(spec.time ? { tzDate: (seconds: number) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC') } : {}),
    cursor: { ...(spec.sync ? { sync: { key: spec.sync } } : {}), ...(spec.zoomXY ? { drag: { x: true, y: true, uni: 30 } } : {}) },
    scales: {
      x: { time: spec.time, ...(spec.logX ? { distr: 3 } : {}) },
      ...Object.fromEntries(
        spec.axes.map((a) => {
          const top = (max: number) => (a.max !== undefined && !whole ? Math.min(max, a.max) : max);
          return [a.scale, { auto: true, range: (_u: uPlot, min: number, max: number) => [Math.min(0, min), max > 0 ? top(max) * 1.05 : 1] as uPlot.Range.MinMax }];
        }),
      ),
    },
    axes: [axis({ label: spec.xLabel }, 2), ...spec.axes.map((a) => axis(a, a.side === 'right' ? 1 : 3))],
    series: [{ label: spec.xLabel ?? (spec.time ? 'time' : 'x') }, ...spec.series.map(series)],
  };
}

function series(s: SeriesSpec): uPlot.Series {
  const stroke = color(s.color);
  const base: uPlot.Series = { label: s.label, stroke, scale: s.scale, width: 1.5, spanGaps: s.style === 'step', ...(s.dash ? { dash: s.dash } : {}) };
  if (s.format) base.value = (_u, v) => (v === null || v === undefined ? '–' : s.format!(v));
  switch (s.style) {
    case 'points':
      return { ...base, paths: () => null, points: { show: true, size: s.size ?? 6, stroke, fill: s.hollow ? 'transparent' : stroke, width: s.hollow ? 2 : 1 } };
    case 'bars':
      return { ...base, fill: stroke, paths: uPlot.paths.bars!({ size: [0.9, 40] }), points: { show: false } };
    case 'step':
      return { ...base, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } };
    default:
      return { ...base, points: { show: false } };
  }
}
