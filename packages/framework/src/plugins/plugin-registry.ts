import 'reflect-metadata';
import type { DependencyContainer } from 'tsyringe';
import type { Dissector, Services } from '../dissect/api.js';
import type { TriggerKind } from '../triggers/api.js';
import { tsyringe } from './injection.js';
import { loadPlugin, PluginError } from './plugin-loader.js';
import type { DissectorClass, PluginModule } from './plugin-module.js';
import { Tokens } from './tokens.js';

/**
 * The run's plugins: dissectors and trigger kinds, registered in a child tsyringe container
 * that also holds the framework services, so plugin classes get them by injection.
 * A plugin only adds to the registry; it cannot reach another plugin's state.
 */
export class PluginRegistry {
  private childContainer: DependencyContainer | undefined;
  private readonly dissectorList: Dissector[] = [];
  private readonly triggerKinds = new Map<string, { kind: TriggerKind; source: string }>();
  /** Which plugin (name as given) brought each dissector and trigger kind. */
  readonly sources = new Map<string, string>();

  constructor(readonly services: Services) {}

  /**
   * The child container with the framework services, made on first use (building a dissector
   * class), so that a run whose plugins are all plain objects never loads tsyringe.
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

  get dissectors(): readonly Dissector[] {
    return this.dissectorList;
  }

  get triggers(): ReadonlyMap<string, { kind: TriggerKind; source: string }> {
    return this.triggerKinds;
  }

  /** Loads plugins by name or path, in order (see `resolvePlugin`). */
  async load(names: readonly string[], cwd = process.cwd()): Promise<void> {
    for (const name of names) {
      const plugin = await loadPlugin(name, cwd);
      this.add(plugin.module, name);
    }
  }

  add(module: PluginModule, source: string): void {
    for (const entry of module.dissectors ?? []) this.addDissector(typeof entry === 'function' ? this.build(entry) : entry, source);
    for (const kind of module.triggers ?? []) this.addTrigger(kind, source);
  }

  trigger(name: string): TriggerKind | undefined {
    return this.triggerKinds.get(name)?.kind;
  }

  private build(cls: DissectorClass): Dissector {
    try {
      return this.container.resolve(cls as never) as Dissector;
    } catch (error) {
      throw new PluginError(`dissector class ${cls.name} could not be built: ${error instanceof Error ? error.message : error}`);
    }
  }

  private addDissector(dissector: Dissector, source: string): void {
    if (typeof dissector?.create !== 'function' || typeof dissector.name !== 'string') {
      throw new PluginError(`plugin '${source}': a dissector needs a name and create()`);
    }
    if (this.dissectorList.some((d) => d.name === dissector.name)) return; // the same plugin named twice
    this.dissectorList.push(dissector);
    this.sources.set(`dissector:${dissector.name}`, source);
  }

  private addTrigger(kind: TriggerKind, source: string): void {
    if (typeof kind?.create !== 'function' || typeof kind.name !== 'string' || !kind.options) {
      throw new PluginError(`plugin '${source}': a trigger kind needs a name, an options schema and create()`);
    }
    this.triggerKinds.set(kind.name, { kind, source });
    this.sources.set(`trigger:${kind.name}`, source);
  }
}
