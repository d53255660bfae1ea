import { schemaOf, type PluginRegistry } from '../plugins/plugin-registry.js';
import { configSchema } from './config-file.js';
import { optionsSchema } from '../triggers/api.js';
import { zod } from './zod.js';

/**
 * The JSON Schema of the config file, from the zod schemas: the file's own, with `triggers`
 * items spelled out from every registered trigger kind (a bare name, or { name: options }) and
 * `dissectors` from every registered dissector's options, so that editors complete trigger
 * names, dissector names and their options.
 */
export function configJsonSchema(registry: PluginRegistry): Record<string, unknown> {
  const z = zod();
  const base = z.toJSONSchema(configSchema(), { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  const kinds = [...registry.triggers.values()].map(({ kind }) => kind).sort((a, b) => a.name.localeCompare(b.name));
  const withOptions = kinds.map((kind) => {
    const options = z.toJSONSchema(optionsSchema(kind), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete options.$schema;
    return {
      type: 'object',
      description: kind.description,
      properties: { [kind.name]: { anyOf: [options, { type: 'null' }] } },
      required: [kind.name],
      additionalProperties: false,
    };
  });
  base.properties.triggers = {
    type: 'array',
    description: 'triggers: a name, or { name: options }',
    items: { anyOf: [{ type: 'string', enum: kinds.map((k) => k.name) }, ...withOptions] },
  };
  base.properties.dissectors = dissectorsJsonSchema(registry, base.properties.dissectors?.description);
  base.title = 'pakeana configuration';
  return base;
}

/** `dissectors:`: each registered dissector's options (an empty object for one that takes none). */
function dissectorsJsonSchema(registry: PluginRegistry, description: string | undefined): Record<string, unknown> {
  const z = zod();
  const properties: Record<string, unknown> = {};
  for (const entry of [...registry.dissectorEntries].sort((a, b) => a.name.localeCompare(b.name))) {
    const options = entry.options
      ? (z.toJSONSchema(schemaOf(entry.options), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>)
      : { type: 'object', additionalProperties: false };
    delete options.$schema;
    properties[entry.name] = { anyOf: [options, { type: 'null' }] };
  }
  return { type: 'object', description, properties, additionalProperties: false };
}
