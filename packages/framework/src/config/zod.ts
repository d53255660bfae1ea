import type * as Zod from 'zod';

/**
 * zod, loaded on first use: a run with the default triggers and no config file validates
 * nothing, and loading zod is 0.05 s of pakeana's start.
 */
export function zod(): typeof Zod {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return require('zod') as typeof Zod;
}

/** A schema built on first use (zod is loaded then), the same object after that. */
export function lazySchema<T>(build: (z: typeof Zod) => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build(zod()));
}
