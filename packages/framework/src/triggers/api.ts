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
}

export interface Trigger {
  /** Name reported in `triggers` (normally the kind's name). */
  readonly name: string;
  watch(session: TcpSession, fire: (detail?: string) => void): SessionWatch;
}

export interface SessionWatch {
  segment?(event: SegmentEvent): void;
  record?(protocol: string, record: object): void;
  /** The session got a new mark (a dissector's `http.bad-chunk-size`, the framework's `tcp.overlap-conflict`). */
  mark?(reason: string): void;
  end?(): void;
}
