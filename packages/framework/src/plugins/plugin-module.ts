import type { Dissector } from '../dissect/api.js';
import type { TriggerKind } from '../triggers/api.js';

/**
 * What a plugin package exports (as its default export, or as the module itself):
 * a single `Dissector`, a class implementing `Dissector` (built through the container, so
 * its constructor can ask for services), or a `PluginModule` with lists of both kinds.
 */
export interface PluginModule {
  dissectors?: readonly (Dissector | DissectorClass)[];
  triggers?: readonly TriggerKind[];
}

export type DissectorClass = new (...args: never[]) => Dissector;
