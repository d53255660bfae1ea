import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type { Dissector } from '@pakeana/framework';
import { BUILTIN_PLUGINS, PluginRegistry, defaultServices, optionsSchema, schemaOf, zod } from '@pakeana/framework/internal';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { failUsage } from '../errors.js';

/** One option of a plugin, as `pakeana plugins` shows it. */
interface OptionInfo {
  name: string;
  type: string;
  description?: string;
  default?: unknown;
  required: boolean;
}

export default class Plugins extends Command {
  static override summary = 'List the installed dissectors and triggers, with their options.';
  static override description =
    'Lists the plugins that ship with pakeana, the packages named pakeana-* (or @scope/pakeana-*) installed in the current directory, and any given with --plugin; under each, its options (type, default, description): a dissector takes them from the config\'s dissectors: section or --option NAME.key=value, a trigger from its entry under triggers:.';
  static override flags = {
    plugin: Flags.string({ char: 'p', multiple: true, description: 'also load this plugin (name, package or path)' }),
    json: Flags.boolean({ description: 'print the list as JSON' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Plugins);
    const registry = await loadListedPlugins(this, flags.plugin);
    const built = builtDissectors(registry, (message) => this.warn(message));
    const dissectors = registry.dissectorEntries.map((entry) => {
      const d = built.get(entry.name);
      return {
        name: entry.name,
        plugin: entry.source.label,
        ports: d?.ports ?? [],
        probe: typeof d?.probe === 'function',
        description: d?.description ?? '',
        options: entry.options ? optionList(schemaOf(entry.options)) : [],
      };
    });
    const triggers = [...registry.triggers.values()].map(({ kind, source }) => ({
      name: kind.name,
      plugin: source.label,
      description: kind.description,
      options: optionList(optionsSchema(kind)),
    }));
    if (flags.json) {
      this.log(JSON.stringify({ dissectors, triggers }, null, 2));
      return;
    }
    this.log('Dissectors (options: dissectors: { NAME: {...} } in the config, or --option NAME.key=value):');
    for (const d of dissectors) {
      this.log(`  ${d.name.padEnd(18)} ports ${d.ports.join(',') || '-'}${d.probe ? ', content probe' : ''}  (${d.plugin})  ${d.description}`);
      for (const option of d.options) this.log(optionLine(option));
    }
    this.log('Triggers (options: { NAME: {...} } under triggers: in the config):');
    for (const t of triggers) {
      this.log(`  ${t.name.padEnd(18)} (${t.plugin})  ${t.description}`);
      for (const option of t.options) this.log(optionLine(option));
    }
  }
}

/**
 * The dissectors built with their options' defaults, by name. When some options have no
 * default (or a class cannot be built), the classes are listed without ports.
 */
function builtDissectors(registry: PluginRegistry, warn: (message: string) => void): Map<string, Dissector> {
  try {
    const problems = registry.configure({});
    if (!problems.length) return new Map(registry.dissectors.map((d) => [d.name, d]));
    for (const p of problems) warn(`dissector ${p.path[0]}: ${p.path.slice(1).join('.')}: ${p.message} (without options)`);
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error));
  }
  return new Map(registry.dissectorEntries.flatMap((e) => (typeof e.plugin === 'function' ? [] : [[e.name, e.plugin] as const])));
}

/** `      name  type = default  description` */
function optionLine(o: OptionInfo): string {
  const value = o.default !== undefined ? ` = ${JSON.stringify(o.default)}` : o.required ? ' (required)' : '';
  return `      ${`${o.name}: ${o.type}${value}`.padEnd(34)} ${o.description ?? ''}`.trimEnd();
}

/** The options of a schema, from its JSON Schema (what a user writes: io 'input'). */
function optionList(schema: z.ZodType): OptionInfo[] {
  let json: { properties?: Record<string, JsonSchema>; required?: string[] };
  try {
    json = zod().toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as typeof json;
  } catch {
    return [];
  }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    type: typeText(property),
    ...(property.description ? { description: property.description } : {}),
    ...(property.default !== undefined ? { default: property.default } : {}),
    required: json.required?.includes(name) ?? false,
  }));
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  default?: unknown;
}

function typeText(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join('|');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeText))].join('|');
  if (s.type === 'array') return `${s.items ? typeText(s.items) : 'any'}[]`;
  if (Array.isArray(s.type)) return s.type.join('|');
  return s.type ?? 'any';
}

/**
 * The plugins these commands list: those that ship with pakeana, the ones installed in the
 * current directory, and `given` (one that fails to load is a usage error; another, a warning).
 */
export async function loadListedPlugins(command: Command, given: readonly string[] = []): Promise<PluginRegistry> {
  const registry = new PluginRegistry(defaultServices());
  for (const name of [...Object.keys(BUILTIN_PLUGINS), ...installedPackages(process.cwd()), ...given]) {
    await registry.load([name]).catch((error) => {
      if (given.includes(name)) failUsage(command, error);
      command.warn(`${name}: ${error instanceof Error ? error.message : error}`);
    });
  }
  return registry;
}

/** Packages named pakeana-* or @scope/pakeana-* in ./node_modules. */
function installedPackages(cwd: string): string[] {
  const root = join(cwd, 'node_modules');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root)) {
    if (entry.startsWith('pakeana-')) found.push(entry);
    else if (entry.startsWith('@') && entry !== '@pakeana') {
      for (const inner of readdirSync(join(root, entry))) if (inner.startsWith('pakeana-')) found.push(`${entry}/${inner}`);
    }
  }
  return found;
}
