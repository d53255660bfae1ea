import { parseDuration, type Trigger } from '@pakeana/framework';
import { TriggerBuilder, type ConfigFile, type PluginRegistry } from '@pakeana/framework/internal';

/** Trigger plugins that ship with pakeana, always loaded. */
export const BUNDLED_TRIGGER_PLUGINS = ['trigger-tcp', 'trigger-http', 'trigger-tls', 'trigger-match'];

/**
 * miruo's defaults, used when neither the command line nor the config names a trigger:
 * `tcp.reset`, `tcp.syn-retransmit`, `tcp.retransmit: { after: 1000ms }` and `ip.fragment`,
 * with their options as the kinds' schemas give them (no schema runs, so no zod loads; a test
 * checks that the schemas agree).
 */
export const DEFAULT_TRIGGERS: readonly ParsedTrigger[] = [
  ['tcp.reset', { mode: 'default' }],
  ['tcp.syn-retransmit', {}],
  ['tcp.retransmit', { after: 1 }],
  ['ip.fragment', {}],
];

/** The trigger shortcut flags, as parsed. */
export interface ShortcutFlags {
  all?: boolean;
  reset?: string;
  retransmit?: number;
  syn?: boolean;
  'long-connect'?: number;
  'long-delay'?: number;
  fragment?: boolean;
}

/** A trigger by name with its options as its kind's schema gives them (built without the schema). */
export type ParsedTrigger = readonly [string, object];

/** Milliseconds from a flag, in seconds exactly as the duration schema converts `<ms>ms`. */
const seconds = (ms: number): number => parseDuration(`${ms}ms`)!;

/**
 * The triggers of the miruo-style shortcuts. oclif has checked the flags already, so their
 * options are given parsed: no schema runs, so zod does not load (a test checks these
 * against the schemas).
 */
export function shortcutTriggers(flags: ShortcutFlags): ParsedTrigger[] {
  const triggers: ParsedTrigger[] = [];
  if (flags.all) triggers.push(['all', {}]);
  if (flags.reset !== undefined) triggers.push(['tcp.reset', { mode: flags.reset === 'all' ? 'all' : 'default' }]);
  if (flags.retransmit !== undefined) triggers.push(['tcp.retransmit', { after: seconds(flags.retransmit) }]);
  if (flags.syn) triggers.push(['tcp.syn-retransmit', {}]);
  if (flags['long-connect'] !== undefined) triggers.push(['tcp.duration', { over: seconds(flags['long-connect']) }]);
  if (flags['long-delay'] !== undefined) triggers.push(['tcp.delay', { over: seconds(flags['long-delay']) }]);
  if (flags.fragment) triggers.push(['ip.fragment', {}]);
  return triggers;
}

/** The run's triggers: the config file's and the shortcuts', or miruo's defaults when none is named. */
export function buildTriggers(flags: ShortcutFlags, registry: PluginRegistry, config?: ConfigFile): Trigger[] {
  const builder = new TriggerBuilder(registry, registry.services);
  const configured = (config?.triggers ?? []).map((node) => builder.build(node));
  const shortcuts = shortcutTriggers(flags);
  const parsed = configured.length || shortcuts.length ? shortcuts : DEFAULT_TRIGGERS;
  return [...configured, ...parsed.map(([name, options]) => builder.fromParsed(name, options))];
}

/** Flags whose value may be left out, and what they mean then (miruo: -R, -r without a value). */
const OPTIONAL_VALUES: Record<string, { fallback: string; takes: RegExp }> = {
  '--reset': { fallback: 'default', takes: /^(default|all)$/ },
  '--retransmit': { fallback: '1000', takes: /^\d+$/ },
};

/**
 * oclif flags cannot take an optional value, so a bare `--retransmit` (or one followed by
 * something that is not its value) becomes `--retransmit=1000`, and a bare `--reset`
 * becomes `--reset=default`, before oclif parses the command line.
 */
export function normalizeShortcutArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const optional = OPTIONAL_VALUES[arg];
    if (!optional) return arg;
    const next = argv[i + 1];
    return next !== undefined && optional.takes.test(next) ? arg : `${arg}=${optional.fallback}`;
  });
}
