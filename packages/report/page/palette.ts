/**
 * Colours for charts, read from the page's CSS custom properties (style.css), so that light and
 * dark mode (prefers-color-scheme) each have their own: the Okabe–Ito palette, told apart by
 * colour-blind readers, in tints that keep their contrast on either background. Series differ
 * by dash pattern or by point size or fill (charts.ts: SeriesSpec) as well as by colour.
 */
export type ColorName = 'fg' | 'muted' | 'grid' | 'blue' | 'orange' | 'green' | 'vermillion' | 'sky' | 'purple' | 'grey';

export function color(name: ColorName): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--c-${name}`).trim() || 'currentColor';
}

/** Redraws (calls `draw`) when the colour scheme changes. */
export function onSchemeChange(draw: () => void): void {
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
}
