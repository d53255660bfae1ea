import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type { Dissector, JsonSchema } from '@pakeana/framework';
import { recordJsonSchema, sessionJsonSchema } from '@pakeana/framework/internal';
import { failUsage } from '../../errors.js';
import { loadListedPlugins } from '../plugins.js';

export default class PluginsRecords extends Command {
  static override summary = 'Print the JSON Schema of the session record, with the records of every dissector under its name.';
  static override description =
    'The whole shape of a session line of --format json with the plugins that ship with pakeana, those installed in the current directory (pakeana-*, @scope/pakeana-*) and any given with --plugin. A dissector that declares no record schema has its records as any objects. --markdown prints the fields as tables instead (docs/records.md is made of them).';
  static override examples = ['<%= config.bin %> plugins records > session.schema.json', '<%= config.bin %> plugins records --plugin ./my-dissector --markdown'];
  static override flags = {
    plugin: Flags.string({ char: 'p', multiple: true, description: 'also load this plugin (name, package or path)' }),
    markdown: Flags.boolean({ description: 'print each record as a Markdown table of its fields: name (dotted path), type, meaning' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PluginsRecords);
    const registry = await loadListedPlugins(this, flags.plugin);
    try {
      this.log(flags.markdown ? markdown(registry.dissectors) : JSON.stringify(sessionJsonSchema(registry.dissectors), null, 2));
    } catch (error) {
      failUsage(this, error);
    }
  }
}

/** A `## NAME` section with the field table of the session record, then of each dissector's records. */
function markdown(dissectors: readonly Dissector[]): string {
  const sections = [['session', fieldTable(sessionJsonSchema(dissectors), dissectors)]];
  for (const dissector of dissectors) {
    const schema = recordJsonSchema(dissector);
    sections.push([dissector.name, schema ? fieldTable(schema, []) : `(${dissector.name} declares no record schema)`]);
  }
  return sections.map(([name, table]) => `## ${name}\n\n${table}\n`).join('\n');
}

type Schema = Record<string, any>;

/**
 * The fields of a record schema as a Markdown table, nested fields as dotted paths (through
 * lists too, as `record:` triggers name them). The dissectors' records in a session record
 * are one row each (each has its own table).
 */
function fieldTable(schema: JsonSchema, protocols: readonly Dissector[]): string {
  const rows = ['| field | type | meaning |', '|---|---|---|'];
  const names = new Set(protocols.map((d) => d.name));
  const walk = (node: Schema, prefix: string): void => {
    const required = new Set<string>(node.required ?? []);
    for (const [name, field] of Object.entries<Schema>(node.properties ?? {})) {
      const path = prefix + name;
      const optional = required.has(name) ? '' : ', optional';
      if (!prefix && names.has(name)) {
        rows.push(row(path, `list of ${name} records${optional}`, field.description));
        continue;
      }
      rows.push(row(path, typeText(field) + optional, field.description));
      const inner = field.type === 'array' ? field.items : field;
      if (inner?.properties) walk(inner, `${path}.`);
    }
  };
  walk(schema as Schema, '');
  return rows.join('\n');
}

function row(field: string, type: string, meaning: unknown): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return `| \`${field}\` | ${cell(type)} | ${cell(typeof meaning === 'string' ? meaning : '')} |`;
}

/** `integer`, `string or null`, `list of integer`, `"open", "closed"`, `4 or 6`. */
function typeText(schema: Schema): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(', ') + (schema.type?.includes?.('null') ? ' or null' : '');
  const alternatives: Schema[] | undefined = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map(typeText).join(' or ');
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (!types.length) return 'any';
  return types.map((type) => (type === 'array' ? `list of ${schema.items ? typeText(schema.items) : 'any'}` : type)).join(' or ');
}
