import type { z } from 'zod';
import type { Services } from '../dissect/api.js';
import type { SegmentEvent } from '../sessions/segment-event.js';
import type { TcpSession } from '../sessions/tcp-session.js';

/**
 * The trigger plugin API. A trigger kind (`tcp.reset`, `http.status`, ...) has a name, a zod
 * schema for its options, and a factory. The framework validates the options from the
 * command line or the YAML file with the schema, then calls `create` once per configured
 * trigger, and `watch` once per session. The returned `SessionWatch` is called, in order:
 *
 *   1. `segment` for each TCP segment of the session (after the TCP analyzer set its marks),
 *      `record` for each dissector record and `mark` for each new session mark, interleaved
 *      in capture order;
 *   2. `end` once when the session is finished (state and counters final).
 *
 * A watch calls `fire(detail?)` when the session must be reported, from inside one of these
 * calls (or `watch` itself): a call from elsewhere (a timer) is ignored. Firing more than
 * once is harmless. The session's record lists the trigger's name in `triggers`.
 */
export interface TriggerKind<Options = any> {
  readonly name: string;
  readonly description: string;
  /**
   * Options schema; use `z.object({...}).strict()` so that typos are errors. Or a function
   * that returns it (`lazySchema`), built when a run first needs it: a run that does not
   * configure the trigger then does not load zod.
   */
  readonly options: z.ZodType<Options> | (() => z.ZodType<Options>);
  create(options: Options, context: TriggerContext): Trigger;
}

/** A kind's options schema, built now if the kind gives a function. */
export function optionsSchema<Options>(kind: TriggerKind<Options>): z.ZodType<Options> {
  return typeof kind.options === 'function' ? kind.options() : kind.options;
}

export interface TriggerContext {
  readonly services: Services;
  /**
   * Builds a nested trigger from a config node (`'tcp.reset'` or `{ 'tcp.duration': {...} }`),
   * for composing triggers such as `match`. `path` locates the node inside this trigger's
   * options, so that problems are reported at the right line.
   */
  build(node: unknown, path?: (string | number)[]): Trigger;
  /**
   * The JSON Schema (draft 2020-12, as zod's `toJSONSchema` gives it for the output) of one
   * record of `protocol`, from its dissector's `records`; undefined when no loaded dissector
   * of that name declares one.
   */
  recordSchema(protocol: string): JsonSchema | undefined;
  /**
   * Reports a problem at a place inside this trigger's options (`path` relative to them), so
   * that it is shown at that place's line; a trigger with problems is not used. `create` may
   * report several and go on. (Throwing from `create` reports one problem at the trigger.)
   */
  problem(problem: TriggerProblem): void;
}

/** A problem with a trigger node: where (path inside the node) and what. */
export interface TriggerProblem {
  path: (string | number)[];
  message: string;
  /** Locate the problem at the key of the last path element (a name that is wrong), not at its value. */
  key?: boolean;
}

/** A JSON Schema object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Record types by protocol, for TypeScript authors. A dissector package adds its own by
 * declaration merging, in its sources:
 *
 *   declare module '@pakeana/framework' {
 *     interface RecordTypes { smtp: SmtpReply }
 *   }
 *
 * so that `isRecord('smtp', protocol, record)` narrows a record a watch gets.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface RecordTypes {}

/**
 * True when a record a watch got (`SessionWatch.record(protocol, record)`) is `type`'s; it
 * then has `type`'s record type (see `RecordTypes`):
 *
 *   record(protocol, record) {
 *     if (isRecord('http', protocol, record) && record.status === 503) fire();
 *   }
 *
 * (A plain `protocol === 'http'` cannot narrow `record`: TypeScript narrows a parameter by
 * another only in a union of literal protocols, and a watch gets any protocol's records.)
 */
export function isRecord<P extends keyof RecordTypes & string>(type: P, protocol: string, record: object): record is RecordTypes[P] & object {
  return protocol === type && record !== null;
}

export interface Trigger {
  /** Name reported in `triggers` (normally the kind's name). */
  readonly name: string;
  watch(session: TcpSession, fire: (detail?: string) => void): SessionWatch;
}

/**
 * Leave out `record` and `mark` when the watch does not use them: a session whose watches have
 * neither is dissected only if it is reported (see the README's "Dissection on demand"), which
 * spares the dissection of every session no trigger reports.
 */
export interface SessionWatch {
  segment?(event: SegmentEvent): void;
  /** A record of `protocol`'s dissector; `isRecord` narrows it to that protocol's type. */
  record?(protocol: string, record: object): void;
  /** The session got a new mark (a dissector's `http.bad-chunk-size`, the framework's `tcp.overlap-conflict`). */
  mark?(reason: string): void;
  end?(): void;
}
