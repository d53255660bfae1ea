import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** The colour custom properties of one block of style.css. */
function customColors(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+): (#[0-9a-f]{6});/g)].map((m) => [m[1]!, m[2]!]));
}

test('every chart tint is at 4.5:1 or more on the background and on the surface, in light and in dark mode', () => {
  const css = readFileSync(join(__dirname, '..', 'page', 'style.css'), 'utf8');
  const [light, dark] = css.split('@media (prefers-color-scheme: dark)');
  const belowAA: string[] = [];
  for (const [mode, block] of [['light', light!], ['dark', dark!]]) {
    const colors = customColors(block);
    // Grid lines carry no information: they are meant to be faint.
    const tints = Object.entries(colors).filter(([name]) => name.startsWith('c-') && name !== 'c-grid');
    assert.ok(tints.length >= 9, `${mode}: ${tints.length} tints`);
    for (const [name, value] of tints) {
      for (const ground of ['bg', 'surface']) {
        const ratio = contrast(value, colors[ground]!);
        if (ratio < 4.5) belowAA.push(`${mode} ${name} on ${ground}: ${ratio.toFixed(2)}`);
      }
    }
  }
  assert.deepEqual(belowAA, []);
});
