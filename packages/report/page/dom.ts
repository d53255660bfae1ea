/** An element with attributes (`on…` functions become listeners) and children (text or nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | ((event: Event) => void) | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function s(tag: string, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** The largest time a Date holds (ECMAScript: 8.64e15 ms), in seconds. */
const LAST_DATE = 8.64e12;

/** A time in seconds since the epoch that a Date can hold (a broken capture's may not be). */
export function isDate(seconds: number): boolean {
  return Number.isFinite(seconds) && Math.abs(seconds) <= LAST_DATE;
}

/** A capture time (seconds since the epoch) as UTC date and time with milliseconds. */
export function formatTime(seconds: number): string {
  if (!isDate(seconds)) return `${seconds} s since 1970 (not a date)`;
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('Z', ' UTC');
}
