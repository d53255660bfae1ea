/**
 * A glob, matched in linear time in the value's length (no RegExp, no backtracking).
 *
 * Semantics: `*` matches any run of characters, possibly empty, `/` included; `?` matches
 * exactly one character (one UTF-16 code unit); every other character stands for itself
 * (`[`, `]`, `{`, `\` included: there are no classes, braces or escapes). A glob is anchored
 * at both ends: it must match the whole value. With `ignoreCase`, ASCII letters match either
 * case (hosts and methods are ASCII); other characters match only themselves.
 *
 * How: the glob is cut at each `*` into parts. The first part must start the value, the last
 * must end it, and each part between is taken at its leftmost place after the previous one
 * (leftmost never loses, since the next `*` absorbs whatever follows). Each part is searched
 * once, from where the previous one ended, so a match costs at most O(value length × glob
 * length), and allocates nothing; a case-sensitive part without `?` is one native `indexOf`.
 */
export class Glob {
  private readonly parts: Part[];
  /** The length of the glob without its stars: the shortest value it can match. */
  private readonly minLength: number;

  constructor(glob: string, ignoreCase: boolean) {
    this.parts = glob.split('*').map((part) => {
      const text = ignoreCase ? part.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : part;
      return { text, literal: !ignoreCase && !part.includes('?'), ignoreCase };
    });
    this.minLength = glob.length - (this.parts.length - 1);
  }

  /** True if the glob matches `value` up to `end` (a path without its query string). */
  matches(value: string, end = value.length): boolean {
    if (end < this.minLength) return false;
    const parts = this.parts;
    const first = parts[0]!;
    if (parts.length === 1) return end === first.text.length && partAt(value, 0, first);
    const last = parts[parts.length - 1]!;
    const lastStart = end - last.text.length;
    if (!partAt(value, 0, first) || !partAt(value, lastStart, last)) return false;
    let position = first.text.length;
    for (let i = 1; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const found = findPart(value, part, position, lastStart);
      if (found < 0) return false;
      position = found + part.text.length;
    }
    return true;
  }
}

/** A run of the glob between stars (lower-cased when ignoring case). */
interface Part {
  text: string;
  /** Case-sensitive and without `?`: `startsWith` and `indexOf` can match it. */
  literal: boolean;
  ignoreCase: boolean;
}

function partAt(value: string, at: number, part: Part): boolean {
  if (part.literal) return value.startsWith(part.text, at);
  const text = part.text;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUESTION_MARK) continue;
    const v = value.charCodeAt(at + i);
    if (c !== (part.ignoreCase && v >= UPPER_A && v <= UPPER_Z ? v | LOWER_BIT : v)) return false;
  }
  return true;
}

/** The leftmost place at or after `from` where the part fits entirely before `limit`, or -1. */
function findPart(value: string, part: Part, from: number, limit: number): number {
  const last = limit - part.text.length;
  if (part.literal) {
    const found = value.indexOf(part.text, from);
    return found >= 0 && found <= last ? found : -1;
  }
  for (let at = from; at <= last; at++) if (partAt(value, at, part)) return at;
  return -1;
}

const QUESTION_MARK = 0x3f;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const LOWER_BIT = 0x20;
