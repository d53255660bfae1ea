import 'reflect-metadata';
import type * as Tsyringe from 'tsyringe';

/**
 * tsyringe, loaded on first use: only a plugin that is a dissector class (built through the
 * registry's container) or that uses the decorators below needs it, and loading it costs
 * every other run ~10 ms of startup. reflect-metadata, which it needs, stays loaded up front:
 * decorator metadata is recorded only when it is there as a plugin's classes are defined.
 */
export function tsyringe(): typeof Tsyringe {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return require('tsyringe') as typeof Tsyringe;
}

/** tsyringe's `@injectable()`; tsyringe is loaded when a class is decorated. */
export const injectable: typeof Tsyringe.injectable = (options) => tsyringe().injectable(options);

/** tsyringe's `@inject(token)`. */
export const inject: typeof Tsyringe.inject = (token, options) => tsyringe().inject(token, options);

/** tsyringe's `@singleton()`. */
export const singleton: typeof Tsyringe.singleton = () => tsyringe().singleton();
