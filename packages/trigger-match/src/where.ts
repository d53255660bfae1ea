import type { JsonSchema } from '@pakeana/framework';
import { compileFieldPattern } from './pattern.js';
import { jsonType, lookupField, type JsonType } from './schema-fields.js';

/** A value compared for equality (a string is a pattern, except inside `in`). */
export type Scalar = string | number | boolean | null;

/** One condition of `where`: a value, a pattern, or a range and/or a list. */
export type Condition = Scalar | { min?: number; max?: number; in?: Scalar[] };

/**
 * A compiled `where` entry. `key` is as written (`request.host`), `path` its dotted parts.
 * `test` sees each value found at the path (each element of a list on the way).
 */
export interface FieldTest {
  key: string;
  path: readonly string[];
  test: (value: unknown) => boolean;
}

/** A problem with one `where` entry: at its value, or at its key (a field that does not exist). */
export interface WhereProblem {
  key: string;
  message: string;
  atKey: boolean;
}

/**
 * Compiles `where` (field path -> condition). A field name is a dotted path into the record
 * (`request.host`: the field `host` of the field `request`); a field holding a list is looked
 * through (any element). Conditions:
 *
 *   - a number, boolean or null: equal to it (null also matches a field the record lacks);
 *   - a string: a glob (`*` any run, `?` one character, matched against the whole value,
 *     case-sensitive) or `/regex/flags` (RE2, not anchored);
 *   - `{ min, max, in }`: a number within [min, max], and/or one of the values of `in`,
 *     compared exactly (strings included: no patterns inside `in`).
 *
 * With the record's JSON Schema (`schema`, when its dissector declares one), a field the
 * record can never have, or a condition that can never match its type, is a problem.
 */
export function compileWhere(
  where: Readonly<Record<string, Condition>>,
  schema: JsonSchema | undefined,
  protocol: string,
): { tests: FieldTest[]; problems: WhereProblem[] } {
  const tests: FieldTest[] = [];
  const problems: WhereProblem[] = [];
  for (const [key, condition] of Object.entries(where)) {
    const path = key.split('.');
    const unfit = schema ? schemaProblem(schema, path, condition, protocol) : null;
    if (unfit) {
      problems.push({ key, ...unfit });
      continue;
    }
    try {
      tests.push({ key, path, test: compileCondition(condition) });
    } catch (error) {
      problems.push({ key, message: (error as Error).message, atKey: false });
    }
  }
  return { tests, problems };
}

/** True when every test holds on some value at its path (the tests may be met by different list elements). */
export function matches(record: object, tests: readonly FieldTest[]): boolean {
  for (let i = 0; i < tests.length; i++) {
    const { path, test } = tests[i]!;
    if (found(record, path, 0, test) === NOT_FOUND) return false;
  }
  return true;
}

/** `key=value` for each test, with the value that met it (a firing's detail). */
export function matchedValues(record: object, tests: readonly FieldTest[]): string {
  return tests
    .map(({ key, path, test }) => {
      const value = found(record, path, 0, test);
      return `${key}=${value === undefined ? 'absent' : JSON.stringify(value)}`;
    })
    .join(' ');
}

const NOT_FOUND = Symbol('not found');

/** The first value at `path[at..]` under `value` that passes `test`, or NOT_FOUND. */
function found(value: unknown, path: readonly string[], at: number, test: (value: unknown) => boolean): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = found(value[i], path, at, test);
      if (hit !== NOT_FOUND) return hit;
    }
    return NOT_FOUND;
  }
  if (at === path.length) return test(value) ? value : NOT_FOUND;
  const field = path[at]!;
  const next = value !== null && typeof value === 'object' && Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
  return found(next, path, at + 1, test);
}

/** A test on one value. Throws when a pattern cannot be taken. */
function compileCondition(condition: Condition): (value: unknown) => boolean {
  if (condition === null) return (value) => value === null || value === undefined;
  if (typeof condition === 'string') {
    const pattern = compileFieldPattern(condition);
    return (value) => typeof value === 'string' && pattern(value);
  }
  if (typeof condition !== 'object') return (value) => value === condition;
  const { min = -Infinity, max = Infinity } = condition;
  const ranged = condition.min !== undefined || condition.max !== undefined;
  const inRange = (value: unknown) => typeof value === 'number' && value >= min && value <= max;
  if (!condition.in) return inRange;
  const values = new Set<unknown>(condition.in);
  const listed = values.has(null) ? (value: unknown) => values.has(value ?? null) : (value: unknown) => values.has(value);
  return ranged ? (value) => inRange(value) && listed(value) : listed;
}

/** The JSON types a condition can match (null: it says nothing, as `null` matching a missing field). */
function conditionTypes(condition: Condition): JsonType[] | null {
  if (condition === null) return null;
  if (typeof condition !== 'object') return [jsonType(condition)];
  if (condition.in?.includes(null)) return null;
  return condition.in && condition.min === undefined && condition.max === undefined ? condition.in.map(jsonType) : ['number'];
}

function schemaProblem(schema: JsonSchema, path: string[], condition: Condition, protocol: string): Omit<WhereProblem, 'key'> | null {
  const lookup = lookupField(schema, path);
  if ('missing' in lookup) {
    const parent = path.slice(0, lookup.missing).join('.');
    const fields = lookup.fields.length ? `${parent ? `fields of "${parent}"` : 'fields'}: ${lookup.fields.join(', ')}` : `"${parent}" has no fields`;
    return { message: `${protocol} records have no field "${path.join('.')}" (${fields})`, atKey: true };
  }
  const wanted = conditionTypes(condition);
  const types = lookup.types;
  if (!wanted || !types || wanted.some((type) => types.has(type) || (type === 'number' && types.has('integer')))) return null;
  const what = typeof condition === 'string' ? 'a string pattern' : `a ${wanted.join(' or ')} condition`;
  return { message: `"${path.join('.')}" of ${protocol} records is ${[...types].join(' or ')}: ${what} never matches it`, atKey: false };
}
