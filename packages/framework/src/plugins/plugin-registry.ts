import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Dissector, SchemaSource, Services } from '../dissect/api.js';
import type { TriggerKind } from '../triggers/api.js';
import { schemaProblems, type SchemaProblem } from '../config/zod.js';
import { pluginLogger } from '../pipeline/services.js';
import { tsyringe } from './injection.js';
import { loadPlugin, PluginError } from './plugin-loader.js';
import type { DissectorClass, PluginModule } from './plugin-module.js';
import { Tokens } from './tokens.js';

/** Where a registered plugin came from. */
export interface PluginSource {
  /** The name as the user gave it (`--plugin NAME`). */
  name: string;
  /** The npm package (or the path) it came from: what messages name it by. */
  label: string;
}

/** A dissector as a plugin brings it: an object, or a class built when the run is configured. */
export interface DissectorEntry {
  readonly name: string;
  readonly source: PluginSource;
  readonly plugin: Dissector | DissectorClass;
  /** Its options schema (`Dissector.options`, or the class's static `options`). */
  readonly options?: SchemaSource<object>;
  /** What the schema gives for no options, when the plugin says (`Dissector.defaultOptions`). */
  readonly defaultOptions?: Readonly<object>;
}

/** A trigger kind and where it came from. */
export interface TriggerEntry {
  readonly kind: TriggerKind;
  readonly source: PluginSource;
}

/** A schema source's schema, built now if it is a function (`lazySchema`). */
export function schemaOf<T>(source: SchemaSource<T>): z.ZodType<T> {
  return typeof source === 'function' ? source() : source;
}

/**
 * The run's plugins: dissectors and trigger kinds by name, and the dissectors' options.
 * `configure` validates the options and builds the dissector classes, each in a child of the
 * run's tsyringe container that holds the framework services, its options and its own logger.
 * Two plugins may not bring one name; a plugin only adds to the registry and cannot reach
 * another plugin's state.
 */
export class PluginRegistry {
  /** The run's services; their `options(name)` gives each dissector's options as `configure` validated them. */
  readonly services: Services;
  private childContainer: DependencyContainer | undefined;
  private readonly entries = new Map<string, DissectorEntry>();
  private readonly triggerKinds = new Map<string, TriggerEntry>();
  private readonly validated = new Map<string, Readonly<Record<string, unknown>>>();
  private built: Dissector[] | null = null;
  /** What the last `configure` found wrong, if it did. */
  private problems: SchemaProblem[] | null = null;

  /**
   * The registry answers the services' `options` from then on, so that every part of the run
   * that holds these services (the pipeline, triggers, dissectors) sees the validated options.
   */
  constructor(services: Services) {
    const given = services.options.bind(services);
    services.options = (name) => this.validated.get(name) ?? given(name);
    this.services = services;
  }

  /**
   * The container with the framework services, made when the first dissector class is built,
   * so that a run whose plugins are all plain objects never loads tsyringe.
   */
  get container(): DependencyContainer {
    if (!this.childContainer) {
      const container = tsyringe().container.createChildContainer();
      container.register(Tokens.Services, { useValue: this.services });
      container.register(Tokens.Clock, { useValue: this.services.clock });
      container.register(Tokens.Logger, { useValue: this.services.logger });
      this.childContainer = container;
    }
    return this.childContainer;
  }

  /** Every dissector registered, built or not, in the order plugins brought them. */
  get dissectorEntries(): readonly DissectorEntry[] {
    return [...this.entries.values()];
  }

  /**
   * The run's dissectors, classes built. A registry that was not configured is configured
   * now without options (each schema's defaults); one whose options had problems throws.
   */
  get dissectors(): readonly Dissector[] {
    if (!this.built) {
      const [problem] = this.problems ?? this.configure({});
      if (problem) throw new PluginError(`dissectors.${problem.path.join('.')}: ${problem.message}`);
    }
    return this.built!;
  }

  get triggers(): ReadonlyMap<string, TriggerEntry> {
    return this.triggerKinds;
  }

  trigger(name: string): TriggerKind | undefined {
    return this.triggerKinds.get(name)?.kind;
  }

  /** Loads plugins by name or path, in order (see `resolvePlugin`). */
  async load(names: readonly string[], cwd = process.cwd()): Promise<void> {
    for (const name of names) {
      const plugin = await loadPlugin(name, cwd);
      this.add(plugin.module, { name, label: plugin.label });
    }
  }

  /**
   * Registers a plugin's dissectors and trigger kinds. The same one registered again (the
   * same package named twice) is left as it is; another with a name already taken is an error.
   */
  add(module: Omit<PluginModule, 'apiVersion'>, from: PluginSource | string): void {
    const source = typeof from === 'string' ? { name: from, label: from } : from;
    if (this.built) throw new Error('plugins must be added before the registry is configured');
    for (const plugin of module.dissectors ?? []) this.addDissector(plugin, source);
    for (const kind of module.triggers ?? []) this.addTrigger(kind, source);
  }

  /**
   * Validates each dissector's options (`raw`: by dissector name, as the config's
   * `dissectors:` section holds them). Problems carry the path from the dissector's name on;
   * a name that no dissector has, or options for a dissector that takes none, are problems too.
   */
  checkOptions(raw: Readonly<Record<string, unknown>>): { options: Map<string, Readonly<Record<string, unknown>>>; problems: SchemaProblem[] } {
    const options = new Map<string, Readonly<Record<string, unknown>>>();
    const problems: SchemaProblem[] = [];
    for (const name of Object.keys(raw)) {
      if (this.entries.has(name)) continue;
      const known = [...this.entries.keys()].sort().join(', ') || 'none loaded';
      problems.push({ path: [name], message: `unknown dissector "${name}" (known: ${known})`, key: true });
    }
    for (const entry of this.entries.values()) {
      const given = raw[entry.name] ?? {};
      if (!entry.options) {
        if (typeof given !== 'object' || Object.keys(given).length) problems.push({ path: [entry.name], message: `dissector "${entry.name}" takes no options` });
        continue;
      }
      if (raw[entry.name] === undefined && entry.defaultOptions) {
        options.set(entry.name, entry.defaultOptions as Readonly<Record<string, unknown>>);
        continue;
      }
      const parsed = schemaOf(entry.options).safeParse(given);
      if (parsed.success) options.set(entry.name, parsed.data as Readonly<Record<string, unknown>>);
      else problems.push(...schemaProblems(parsed.error.issues, [entry.name]));
    }
    return { options, problems };
  }

  /**
   * Validates the dissectors' options and builds the dissector classes with them: after this,
   * `dissectors` is the run's list and `services.options(name)` gives each one's options.
   * Returns the problems instead when there are any (nothing is built then).
   */
  configure(raw: Readonly<Record<string, unknown>> = {}): SchemaProblem[] {
    const { options, problems } = this.checkOptions(raw);
    this.problems = problems.length ? problems : null;
    if (problems.length) return problems;
    for (const [name, value] of options) this.validated.set(name, value);
    this.built = [...this.entries.values()].map((entry) => (isClass(entry.plugin) ? this.build(entry, entry.plugin) : entry.plugin));
    return [];
  }

  private build(entry: DissectorEntry, cls: DissectorClass): Dissector {
    const container = this.container.createChildContainer();
    container.register(Tokens.Options, { useValue: this.services.options(entry.name) });
    container.register(Tokens.Logger, { useValue: pluginLogger(this.services.logger, entry.name) });
    const plugin = `plugin '${entry.source.name}' (${entry.source.label})`;
    let dissector: Dissector;
    try {
      dissector = container.resolve(cls as never) as Dissector;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      const hint = /TypeInfo not known/.test(message) ? `its constructor takes parameters, so it must be decorated with @injectable() from @pakeana/framework` : message;
      throw new PluginError(`${plugin}: dissector class ${cls.name} could not be built: ${hint}`);
    }
    if (typeof dissector?.create !== 'function' || dissector.name !== entry.name) {
      throw new PluginError(`${plugin}: dissector class ${cls.name} must build a dissector with create() and name "${entry.name}" (its static dissectorName)`);
    }
    return dissector;
  }

  private addDissector(plugin: Dissector | DissectorClass, source: PluginSource): void {
    const name = isClass(plugin) ? plugin.dissectorName : plugin?.name;
    if (isClass(plugin) ? typeof name !== 'string' : typeof plugin?.create !== 'function' || typeof name !== 'string') {
      throw new PluginError(
        isClass(plugin)
          ? `plugin '${source.name}': dissector class ${plugin.name} needs a static dissectorName`
          : `plugin '${source.name}': a dissector needs a name and create()`,
      );
    }
    const existing = this.entries.get(name);
    if (existing?.plugin === plugin) return; // the same plugin named twice
    if (existing) throw duplicate('dissector', name, existing.source, source);
    this.entries.set(name, { name, source, plugin, options: plugin.options, defaultOptions: plugin.defaultOptions });
  }

  private addTrigger(kind: TriggerKind, source: PluginSource): void {
    if (typeof kind?.create !== 'function' || typeof kind.name !== 'string' || !kind.options) {
      throw new PluginError(`plugin '${source.name}': a trigger kind needs a name, an options schema and create()`);
    }
    const existing = this.triggerKinds.get(kind.name);
    if (existing?.kind === kind) return;
    if (existing) throw duplicate('trigger', kind.name, existing.source, source);
    this.triggerKinds.set(kind.name, { kind, source });
  }
}

function isClass(plugin: Dissector | DissectorClass): plugin is DissectorClass {
  return typeof plugin === 'function';
}

function duplicate(what: string, name: string, first: PluginSource, second: PluginSource): PluginError {
  return new PluginError(`two plugins bring the ${what} "${name}": ${first.label} and ${second.label}`);
}
