import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { BUILTIN_PLUGINS, PluginRegistry, defaultServices, optionsSchema, zod } from '@pakeana/framework';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { failUsage } from '../errors.js';

export default class Plugins extends Command {
  static override summary = 'List the installed dissectors and triggers, with their options.';
  static override description =
    'Lists the plugins that ship with pakeana, the packages named pakeana-* (or @scope/pakeana-*) installed in the current directory, and any given with --plugin.';
  static override flags = {
    plugin: Flags.string({ char: 'p', multiple: true, description: 'also load this plugin (name, package or path)' }),
    json: Flags.boolean({ description: 'print the list as JSON' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Plugins);
    const registry = new PluginRegistry(defaultServices());
    const names = [...Object.keys(BUILTIN_PLUGINS), ...installedPackages(process.cwd()), ...(flags.plugin ?? [])];
    for (const name of names) {
      await registry.load([name]).catch((error) => {
        if (flags.plugin?.includes(name)) failUsage(this, error);
        this.warn(`${name}: ${error instanceof Error ? error.message : error}`);
      });
    }
    const dissectors = registry.dissectors.map((d) => ({
      name: d.name,
      plugin: registry.sources.get(`dissector:${d.name}`),
      ports: d.ports ?? [],
      probe: typeof d.probe === 'function',
      description: d.description ?? '',
    }));
    const triggers = [...registry.triggers.values()].map(({ kind, source }) => ({
      name: kind.name,
      plugin: source,
      description: kind.description,
      options: optionNames(optionsSchema(kind)),
    }));
    if (flags.json) {
      this.log(JSON.stringify({ dissectors, triggers }, null, 2));
      return;
    }
    this.log('Dissectors:');
    for (const d of dissectors) {
      this.log(`  ${d.name.padEnd(18)} ports ${d.ports.join(',') || '-'}${d.probe ? ', content probe' : ''}  (${d.plugin})  ${d.description}`);
    }
    this.log('Triggers:');
    for (const t of triggers) {
      this.log(`  ${t.name.padEnd(18)} ${t.options.length ? `{ ${t.options.join(', ')} }` : ''}  (${t.plugin})  ${t.description}`);
    }
  }
}

/** Packages named pakeana-* or @scope/pakeana-* in ./node_modules. */
export function installedPackages(cwd: string): string[] {
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

function optionNames(schema: z.ZodType): string[] {
  try {
    const json = zod().toJSONSchema(schema, { unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    return Object.keys(json.properties ?? {});
  } catch {
    return [];
  }
}
