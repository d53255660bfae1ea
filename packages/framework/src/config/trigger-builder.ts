import type { Dissector, Services } from '../dissect/api.js';
import { recordJsonSchema } from '../output/record-schema.js';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import { optionsSchema, type JsonSchema, type Trigger, type TriggerContext, type TriggerProblem } from '../triggers/api.js';

export type { TriggerProblem } from '../triggers/api.js';

/** Name and raw options of a trigger node: `'tcp.reset'` or `{ 'tcp.retransmit': { after: 200ms } }`. */
export function splitTriggerNode(node: unknown): { name: string; options: unknown } | TriggerProblem {
  if (typeof node === 'string') return { name: node, options: undefined };
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const keys = Object.keys(node);
    if (keys.length === 1) return { name: keys[0]!, options: (node as Record<string, unknown>)[keys[0]!] };
    return { path: [], message: `a trigger is a name, or an object with one key (the name); got keys ${keys.join(', ') || 'none'}` };
  }
  return { path: [], message: 'a trigger is a name, or an object with one key (the name)' };
}

/**
 * Builds triggers from config nodes with the registry's trigger kinds, validating options
 * with each kind's zod schema (problems carry paths relative to the node), or from options
 * already in their parsed form (`fromParsed`: the CLI's defaults and shortcut flags).
 */
export class TriggerBuilder {
  /** Record JSON Schemas by dissector, made on first use (undefined: none declared). */
  private readonly recordSchemas = new Map<Dissector, JsonSchema | undefined>();

  constructor(
    private readonly registry: PluginRegistry,
    private readonly services: Services,
  ) {}

  /** Every problem of a node (and of nodes nested in it, for composing kinds). */
  check(node: unknown): TriggerProblem[] {
    const problems: TriggerProblem[] = [];
    this.tryBuild(node, problems);
    return problems;
  }

  build(node: unknown): Trigger {
    const problems: TriggerProblem[] = [];
    const trigger = this.tryBuild(node, problems);
    if (!trigger || problems.length) throw new Error(problemText(problems[0]));
    return trigger;
  }

  /** A trigger from options in their parsed form (what the kind's schema gives), without the schema. */
  fromParsed(name: string, options: object): Trigger {
    const kind = this.registry.trigger(name);
    if (!kind) throw new Error(`unknown trigger "${name}"`);
    return kind.create(options, {
      services: this.services,
      build: (node: unknown) => this.build(node),
      recordSchema: (protocol) => this.recordSchema(protocol),
      problem: (problem) => {
        throw new Error(problemText(problem));
      },
    });
  }

  /** The JSON Schema of `protocol`'s records, from the registry's dissector of that name. */
  recordSchema(protocol: string): JsonSchema | undefined {
    const dissector = this.registry.dissectors.find((d) => d.name === protocol);
    if (!dissector) return undefined;
    if (!this.recordSchemas.has(dissector)) this.recordSchemas.set(dissector, recordJsonSchema(dissector));
    return this.recordSchemas.get(dissector);
  }

  private tryBuild(node: unknown, problems: TriggerProblem[], at: (string | number)[] = []): Trigger | null {
    const split = splitTriggerNode(node);
    if ('message' in split) {
      problems.push({ path: at, message: split.message });
      return null;
    }
    const kind = this.registry.trigger(split.name);
    if (!kind) {
      const known = [...this.registry.triggers.keys()].sort().join(', ');
      problems.push({ path: typeof node === 'string' ? at : [...at, split.name], message: `unknown trigger "${split.name}" (known: ${known})` });
      return null;
    }
    const parsed = optionsSchema(kind).safeParse(split.options ?? {});
    const optionsPath = typeof node === 'string' ? at : [...at, split.name];
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ path: [...optionsPath, ...(issue.path as (string | number)[])], message: issue.message });
      return null;
    }
    const context: TriggerContext = {
      services: this.services,
      build: (nested: unknown, path: (string | number)[] = []) => {
        const trigger = this.tryBuild(nested, problems, [...optionsPath, ...path]);
        if (!trigger) throw new NestedTriggerError();
        return trigger;
      },
      recordSchema: (protocol) => this.recordSchema(protocol),
      problem: (problem) => problems.push({ ...problem, path: [...optionsPath, ...problem.path] }),
    };
    try {
      return kind.create(parsed.data, context);
    } catch (error) {
      if (!(error instanceof NestedTriggerError)) problems.push({ path: optionsPath, message: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }
}

function problemText(problem: TriggerProblem | undefined): string {
  return `${problem?.path.length ? problem.path.join('.') + ': ' : ''}${problem?.message ?? 'bad trigger'}`;
}

/** A nested trigger failed; its problems are already recorded. */
class NestedTriggerError extends Error {}
