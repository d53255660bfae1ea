import type { Dissector } from '../dissect/api.js';
import { schemaOf } from '../plugins/plugin-registry.js';

/**
 * A dissector's options as its `options` schema gives them (defaults filled, durations in
 * seconds), from options as a config file's `dissectors: { NAME: {...} }` holds them. A
 * dissector that declares no schema gets them as they are. Throws one error naming the
 * dissector and every bad option, as the CLI reports them.
 */
export function parseDissectorOptions<Options extends object>(dissector: Dissector<Options>, raw: Readonly<Record<string, unknown>> = {}): Options {
  if (!dissector.options) return raw as Options;
  const parsed = schemaOf(dissector.options).safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  throw new Error(`options of dissector ${dissector.name}: ${problems.join('; ')}`);
}
