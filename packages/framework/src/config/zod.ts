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

/** A problem a schema found in a value: where (path inside the value) and what. */
export interface SchemaProblem {
  path: (string | number)[];
  message: string;
  /** The problem is a key the schema does not know: locate the key, not its value. */
  key?: boolean;
}

/** zod's issues as problems, one per unknown key (zod gives one issue listing them all). */
export function schemaProblems(issues: readonly Zod.core.$ZodIssue[], at: (string | number)[] = []): SchemaProblem[] {
  return issues.flatMap((issue) => {
    const path = [...at, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"`, key: true }));
    return [{ path, message: issue.message }];
  });
}
