import { lazySchema, type TriggerKind } from '@pakeana/framework';
import type { z } from 'zod';
import { compileFieldPattern } from './pattern.js';
import { compileWhere, matchedValues, matches } from './where.js';

// Schemas are built on first use: a run without these triggers needs none.
const recordOptions = lazySchema((z) => {
  const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
  const range = z
    .object({ min: z.number().optional(), max: z.number().optional(), in: z.array(scalar).min(1).optional() })
    .strict()
    .refine((o) => o.min !== undefined || o.max !== undefined || o.in !== undefined, { message: 'give min, max or in' });
  const condition = z.union([scalar, range], { error: 'expected a value, a glob or /regex/, or { min, max, in }' });
  return z
    .object({
      protocol: z.string().min(1).describe("the dissector whose records are tested (its name: http, or a plugin's)"),
      where: z
        .record(z.string(), condition)
        .describe('field (dotted path) -> condition, all on the same record: a value, a glob or /regex/, or { min, max, in }')
        .optional(),
    })
    .strict();
});
const markOptions = lazySchema((z) => z.string().min(1).describe('a mark: its name, a glob or /regex/'));

/**
 * `record: { protocol, where }`: fires on the first record of `protocol` on which every
 * `where` condition holds (see `compileWhere`); no `where`: the first record of `protocol`.
 * Detail: the values that matched (`status=503`). Field names are checked against the
 * record schema the dissector declares, if it declares one.
 */
export const recordTrigger: TriggerKind<z.output<ReturnType<typeof recordOptions>>> = {
  name: 'record',
  description: "a dissector's record whose fields match (field: value, glob or /regex/, { min, max, in }; dotted paths)",
  options: recordOptions,
  create({ protocol, where = {} }, context) {
    const { tests, problems } = compileWhere(where, context.recordSchema(protocol), protocol);
    for (const { key, message, atKey } of problems) context.problem({ path: ['where', key], message, key: atKey });
    return {
      name: 'record',
      watch(_session, fire) {
        let fired = false;
        return {
          record(recordProtocol, record) {
            if (fired || recordProtocol !== protocol || !matches(record, tests)) return;
            fired = true;
            fire(tests.length ? matchedValues(record, tests) : undefined);
          },
        };
      },
    };
  },
};

/**
 * `mark: NAME`: fires when the session gets a mark that is NAME, or matches it as a glob or
 * `/regex/` (`http.*`, `dissector-error:*`). Detail: the mark. Every mark is told once, when
 * first made; `trigger-error` marks are not told to triggers.
 */
export const markTrigger: TriggerKind<string> = {
  name: 'mark',
  description: 'a session mark (anomaly) by name, glob or /regex/: http.gap-in-headers, http.*, a plugin\'s own',
  options: markOptions,
  create(pattern) {
    const test = compileFieldPattern(pattern);
    return { name: 'mark', watch: (_session, fire) => ({ mark: (reason) => test(reason) && fire(reason) }) };
  },
};
