/**
 * Seconds as a readable duration: 850 µs, 12.3 ms, 1.25 s, 17 min 3 s, 2 h 5 min. Rounded
 * before the unit is chosen, so that 0.99996 s is 1.00 s, not 1000 ms. Shared with the page
 * (page/tsconfig.json includes it), here so that node:test can test it.
 */
export function formatSeconds(seconds: number): string {
  const rounded = Number(seconds.toPrecision(3));
  if (rounded < 1e-3) return `${Math.round(seconds * 1e6)} µs`;
  if (rounded < 1) return `${(rounded * 1e3).toPrecision(3)} ms`;
  if (rounded < 60) return `${rounded.toPrecision(3)} s`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 3600) return twoUnits(Math.floor(wholeSeconds / 60), 'min', wholeSeconds % 60, 's');
  const wholeMinutes = Math.round(seconds / 60);
  return twoUnits(Math.floor(wholeMinutes / 60), 'h', wholeMinutes % 60, 'min');
}

/** `17 min 3 s`, or `17 min` when the smaller unit's count is 0. */
function twoUnits(count: number, unit: string, smallerCount: number, smallerUnit: string): string {
  return smallerCount ? `${count} ${unit} ${smallerCount} ${smallerUnit}` : `${count} ${unit}`;
}
