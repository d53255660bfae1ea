import 'reflect-metadata';
import type * as Tsyringe from 'tsyringe';

/** Where the first copy of the framework to load tsyringe leaves it for the others. */
const SHARED_TSYRINGE = Symbol.for('pakeana.tsyringe');

/**
 * tsyringe, loaded on first use: only a plugin that is a dissector class (built through the
 * registry's container) or that uses the decorators below needs it, and loading it costs
 * every other run ~10 ms of startup. reflect-metadata, which it needs, stays loaded up front:
 * decorator metadata is recorded only when it is there as a plugin's classes are defined.
 *
 * One tsyringe serves every copy of the framework in the process: tsyringe keeps what
 * `@injectable()` learns of a class in its own module, so a plugin installed with its own
 * copy of the framework (and of tsyringe) would decorate its classes in a tsyringe that the
 * run's container never asks ("TypeInfo not known").
 */
export function tsyringe(): typeof Tsyringe {
  const shared = globalThis as { [SHARED_TSYRINGE]?: typeof Tsyringe };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return (shared[SHARED_TSYRINGE] ??= require('tsyringe') as typeof Tsyringe);
}

/** tsyringe's `@injectable()`; tsyringe is loaded when a class is decorated. */
export const injectable: typeof Tsyringe.injectable = (options) => tsyringe().injectable(options);

/** tsyringe's `@inject(token)`. */
export const inject: typeof Tsyringe.inject = (token, options) => tsyringe().inject(token, options);
