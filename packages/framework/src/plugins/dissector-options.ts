import type * as Yaml from 'yaml';

/** Options by dissector name, as the config's `dissectors:` section holds them. */
export type DissectorOptions = Record<string, Record<string, unknown>>;

/** The `--option NAME.key=value` flags of a run: the options they set, and which flag set what. */
export interface OptionFlags {
  options: DissectorOptions;
  /** The flag (as given) that set each option, by its dotted path (`redis.skip`). */
  flags: Map<string, string>;
}

/**
 * Reads `--option NAME.key=value` flags: `NAME` is the dissector, dotted keys nest
 * (`http.limits.body=1MiB` is `{ http: { limits: { body: '1MiB' } } }`), and the value is read
 * as YAML (`10`, `true`, `[GET, PUT]`, `{a: 1}`; text that is no YAML stays text). A later flag
 * wins over an earlier one.
 */
export function parseOptionFlags(values: readonly string[]): OptionFlags {
  const options: DissectorOptions = {};
  const flags = new Map<string, string>();
  for (const flag of values) {
    const match = /^([^=]+)=(.*)$/s.exec(flag);
    const path = match?.[1]!.split('.').map((key) => key.trim());
    if (!match || !path || path.length < 2 || path.some((key) => key === '')) {
      throw new Error(`--option ${flag}: expected NAME.key=value (the dissector's name, the option, its value)`);
    }
    setPath(options, path, readValue(match[2]!));
    flags.set(path.join('.'), flag);
  }
  return { options, flags };
}

/** The flag that set the option at `path` (or inside it, or above it), if a flag did. */
export function flagAt(flags: OptionFlags['flags'], path: readonly (string | number)[]): string | undefined {
  const dotted = path.join('.');
  for (const [key, flag] of flags) if (dotted === key || dotted.startsWith(`${key}.`) || key.startsWith(`${dotted}.`)) return flag;
  return undefined;
}

/** The config's options with the flags' over them (flags win, key by key, at any depth). */
export function mergeOptions(config: Readonly<Record<string, unknown>>, flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(flags)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? mergeOptions(base, value) : value;
  }
  return merged;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (node[key] = isPlainObject(next) ? next : {}) as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function readValue(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a run has --option flags
  const yaml = require('yaml') as typeof Yaml;
  try {
    return yaml.parse(text);
  } catch {
    return text;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
