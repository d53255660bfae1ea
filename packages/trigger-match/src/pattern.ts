import type { RE2JS } from 're2js';
import { Glob } from './glob.js';

/**
 * A matcher from `/regex/flags` or a glob; both run in time linear in the value's length, so
 * that hostile traffic cannot stall the run.
 *
 * Globs (see `Glob`): `*` any run of characters (`/` included), `?` one character, anything
 * else itself; anchored at both ends. A path glob is case-sensitive and ignores the query
 * string (it matches the URI up to `?`, or the whole URI); host and method globs ignore the
 * case of ASCII letters.
 *
 * Regexes: JavaScript syntax, run by RE2 (`re2js`), which has no backtracking. Not anchored
 * (`^`, `$` anchor). Flags `i`, `m`, `s` as in JavaScript, `g` and `u` change nothing, `y` is
 * refused. Features RE2 cannot run in linear time are refused: backreferences and lookahead
 * (lookbehind without captures is accepted).
 *
 * Paths start with `/` too, so for `path` a `/.../` pattern is a regex only when it holds
 * regex syntax (`/^\/api\/v[12]/`); `/api/*` is a glob.
 *
 * Throws an Error saying why when the pattern cannot be taken.
 */
export function compilePattern(pattern: string, isPath: boolean): (value: string) => boolean {
  const regex = regexLiteral(pattern);
  if (regex && (!isPath || /[\\^$()[\]|+{}]/.test(regex.source))) return regexTest(regex);
  const glob = new Glob(pattern, !isPath);
  if (!isPath) return (value) => glob.matches(value);
  return (value) => {
    const query = value.indexOf('?');
    return (query >= 0 && glob.matches(value, query)) || glob.matches(value);
  };
}

/**
 * A pattern on any string field (`record` and `mark` triggers): `/regex/flags` as above, else
 * a glob on the whole value, case-sensitive. Throws as `compilePattern`.
 */
export function compileFieldPattern(pattern: string): (value: string) => boolean {
  const regex = regexLiteral(pattern);
  if (regex) return regexTest(regex);
  const glob = new Glob(pattern, false);
  return (value) => glob.matches(value);
}

/** `/source/flags`, taken apart; null for anything else. */
function regexLiteral(pattern: string): { source: string; flags: string } | null {
  const parts = /^\/(.+)\/([gimsuy]*)$/.exec(pattern);
  return parts ? { source: parts[1]!, flags: parts[2]! } : null;
}

function regexTest({ source, flags }: { source: string; flags: string }): (value: string) => boolean {
  const re = compileRegex(source, flags);
  return (value) => re.test(value);
}

/** re2js, loaded with the first regex: 17 ms of start that a run without one does not pay. */
function re2(): typeof RE2JS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return (require('re2js') as typeof import('re2js')).RE2JS;
}

function compileRegex(source: string, flags: string): RE2JS {
  const refused = refusedFeature(source);
  if (refused) throw new Error(`/${source}/: ${refused} cannot be matched in linear time (regexes run on RE2)`);
  if (flags.includes('y')) throw new Error(`/${source}/${flags}: the y (sticky) flag means nothing here; anchor with ^`);
  const RE2JS = re2();
  const options =
    RE2JS.LOOKBEHINDS | (flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes('m') ? RE2JS.MULTILINE : 0) | (flags.includes('s') ? RE2JS.DOTALL : 0);
  try {
    return RE2JS.compile(RE2JS.translateRegExp(source), options);
  } catch (error) {
    throw new Error(`/${source}/: ${error instanceof Error ? error.message : String(error)} (regexes run on RE2)`);
  }
}

/**
 * The first feature of a JavaScript regex that RE2 lacks because it needs backtracking, or
 * null. Checked before RE2's own parse because its JavaScript translation would quietly turn
 * `\k<name>` and `\8` into letters.
 */
function refusedFeature(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[++i] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === 'k' && source[i + 1] === '<') return 'the named backreference \\k<...>';
    } else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (!inClass && c === '(' && (source.startsWith('?=', i + 1) || source.startsWith('?!', i + 1))) return `the lookahead (${source.slice(i + 1, i + 3)}...)`;
  }
  return null;
}
