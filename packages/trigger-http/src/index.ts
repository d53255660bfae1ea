import { duration, isRecord, lazySchema, type PluginModule, type TriggerKind } from '@pakeana/framework';
// The HTTP record's type, for `isRecord('http', ...)` (declaration merging; types only).
import type {} from '@pakeana/dissector-http';
import type { z } from 'zod';

// Option schemas are built on first use: a run without these triggers needs none.
const statusOptions = lazySchema((z) =>
  z
    .object({
      min: z.number().int().min(100).max(999).optional(),
      max: z.number().int().min(100).max(999).optional(),
      in: z.array(z.number().int().min(100).max(999)).optional(),
    })
    .strict()
    .refine((o) => o.min !== undefined || o.max !== undefined || o.in !== undefined, { message: 'give min, max or in' }),
);
const latencyOptions = lazySchema((z) => z.object({ over: duration() }).strict());

/** Responses whose status is in a range (`min`/`max`) or a list (`in`). A response cut short counts with its status. */
export const httpStatus: TriggerKind<z.output<ReturnType<typeof statusOptions>>> = {
  name: 'http.status',
  description: 'HTTP responses with a status in a range (min, max) or a list (in)',
  options: statusOptions,
  create: (o) => ({
    name: 'http.status',
    watch: (_session, fire) => ({
      record(protocol, record) {
        if (!isRecord('http', protocol, record)) return;
        const status = record.status ?? record.incompleteStatus;
        if (status === null || status === undefined) return;
        if (o.min !== undefined && status < o.min) return;
        if (o.max !== undefined && status > o.max) return;
        if (o.in !== undefined && !o.in.includes(status)) return;
        fire(String(status));
      },
    }),
  }),
};

/** Exchanges whose response came more than `over` after the request. */
export const httpLatency: TriggerKind<{ over: number }> = {
  name: 'http.latency',
  description: 'HTTP exchanges whose response came more than over after the request',
  options: latencyOptions,
  create: ({ over }) => ({
    name: 'http.latency',
    watch: (_session, fire) => ({
      record(protocol, record) {
        if (!isRecord('http', protocol, record)) return;
        if (record.requestTime !== null && record.responseTime !== null && record.responseTime - record.requestTime > over) fire();
      },
    }),
  }),
};

const plugin: PluginModule = { apiVersion: 1, triggers: [httpStatus, httpLatency] };
export default plugin;
