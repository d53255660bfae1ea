/**
 * The dissector plugin API: what a protocol package (npm) implements.
 *
 * A dissector package's default export is a `Dissector` (or a `PluginModule` listing
 * several). For every TCP session that carries payload (sessions without a payload byte,
 * such as refused connects, port scans and SYN floods, never reach dissectors), when its
 * first payload segment arrives, the dispatcher picks at most one dissector: first by port
 * (the server port, then the client port), then by content (`probe` on the first bytes of
 * each direction). It then calls `create` once and drives the returned `DissectorSession`:
 *
 *   1. `data(dir, bytes, at)` zero or more times, in stream order per direction, in capture
 *      order across directions. `bytes` is a view of the captured packet or of the
 *      reassembly buffer: it is only valid during the call, copy what you keep. A session
 *      that has `dataRange` gets the same bytes as `buf[offset, offset + length)` through
 *      it instead (no view object per segment).
 *   2. `gap(dir, length, at)` where bytes of that direction were never seen (lost, cut by the
 *      snap length, given up on for memory); the next `data` of that direction continues
 *      after the hole.
 *   3. `end(reason)` exactly once, last.
 *
 * A dissector must not throw on bad traffic: mark the session (`context.mark`) and stop
 * parsing. If it throws anyway, the framework isolates it: the session is marked
 * `dissector-error`, the dissector gets no more calls for that session, and the run goes on.
 */
import type { z } from 'zod';
import type { API_VERSION } from '../plugins/api-version.js';

export type Direction = 'client' | 'server';

/**
 * A zod schema, or a function that builds it on first use (`lazySchema`): a run that
 * validates nothing then never loads zod.
 */
export type SchemaSource<T> = z.ZodType<T> | (() => z.ZodType<T>);

/** Why a session ended. */
export type EndReason = 'fin' | 'rst' | 'timeout' | 'eof' | 'evicted';

/** Capture time in seconds since the epoch (fractional). */
export type Timestamp = number;

export type ProbeResult = 'yes' | 'no' | 'more';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** One line a dissector adds under the segment that carried it in the pretty output. */
export interface DisplayLine {
  /** e.g. `RequestLine`, `Header`, `ResponseLine` (printed as `DPI:HTTP:RequestLine`). */
  label: string;
  text: string;
  /** Which direction's bytes the line describes. */
  dir: Direction;
}

/** What the framework offers a dissector for one session. */
export interface SessionContext<Options extends object = Readonly<Record<string, unknown>>> {
  /**
   * The session's id as the output prints it. Under `read --workers N` (N > 1) it is a stand-in
   * during the run, unique in the run and replaced by the real id wherever it appears in the
   * session's printed output and records. Written anywhere else (a file name, a log line) it
   * stays the stand-in: that is why the http dissector's `extract` makes `read` use one worker.
   */
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  /**
   * Adds a record to the session (for HTTP: one request/response exchange). Records appear
   * in the session's JSON under the dissector's name, in emit order, and triggers see each
   * one as it is emitted. The object is kept as is: do not change it afterwards.
   */
  emit(record: object): void;
  /** Adds a line to the pretty output, under the segment being processed now. */
  display(line: DisplayLine): void;
  /** False when no printer keeps display lines: a dissector may skip building them. */
  readonly displaying: boolean;
  /** Marks the session with an anomaly (e.g. `http.bad-chunk-size`); shown and kept in JSON. */
  mark(reason: string): void;
  /**
   * Content confirms the protocol: the dissector stays on the session. Until it confirms,
   * a dissector chosen by content may `reject`.
   */
  confirm(): void;
  /**
   * The bytes are not this protocol after all. The dissector gets no further calls (not even
   * `end`); the dispatcher may try another dissector on the bytes seen so far.
   */
  reject(reason: string): void;
  /**
   * The roles are the wrong way round: the side called `client` is the server (it spoke first
   * with what only a server says, such as an HTTP status line). For a session whose handshake
   * was not seen, whose client and server were guessed from the ports. Honoured once per
   * session, before the dissector confirms and while the bytes seen so far can be replayed:
   * the framework then swaps the session's client and server (addresses, ports, streams, what
   * observers keep per side) and, once the current call returns, drops this DissectorSession
   * (no further calls, not even `end`) and creates a new one that gets the bytes seen so far
   * with their directions swapped. Returns false when the roles stay as they are (a SYN showed
   * them, the dissector confirmed, records were emitted, or too many bytes went by): go on.
   */
  swapRoles(): boolean;
  /**
   * The dissector's options from the config's `dissectors: { NAME: {...} }` and
   * `--option NAME.key=value`, as its `options` schema gives them (defaults applied; {} when
   * it declares none).
   */
  readonly options: Options;
  /**
   * The run's services: its clock, its logger, every dissector's options. A dissector class
   * gets the same objects by injection (`Tokens.Services`, `Tokens.Clock`), and a logger of
   * its own (`Tokens.Logger`).
   */
  readonly services: Services;
}

export interface Clock {
  /** Capture time of the packet being processed. */
  now(): Timestamp;
}

export interface Logger {
  warn(message: string): void;
  debug(message: string): void;
}

/** The services a plugin can ask for, by injection or through `context.services`. */
export interface Services {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A dissector's options, validated (as its `context.options`), or {} for a name without options. */
  options(dissectorName: string): Readonly<Record<string, unknown>>;
}

export interface DissectorSession {
  data(dir: Direction, bytes: Uint8Array, at: Timestamp): void;
  /** Optional: `data` without a view, for dissectors on the per-segment hot path. */
  dataRange?(dir: Direction, buf: Buffer, offset: number, length: number, at: Timestamp): void;
  gap(dir: Direction, length: number, at: Timestamp): void;
  end(reason: EndReason): void;
}

export interface Dissector<Options extends object = Readonly<Record<string, unknown>>> {
  /** Short name: the key of its records in the session JSON (`http`). */
  readonly name: string;
  /**
   * When the dissector is the plugin module's export: the plugin API version it was built
   * for, as a literal (`apiVersion: 1`; see `API_VERSION`).
   */
  readonly apiVersion?: typeof API_VERSION;
  readonly description?: string;
  /** Server ports it claims (dissector table by port). */
  readonly ports?: readonly number[];
  /**
   * Content detection on the first bytes of one direction (`head` grows as bytes arrive):
   * 'yes' (this protocol), 'no' (not this protocol), 'more' (need more bytes).
   */
  probe?(dir: Direction, head: Uint8Array): ProbeResult;
  /**
   * The options it takes (zod; use `.strict()` so that typos are errors, `.default()` for
   * options that may be left out), from the config's `dissectors: { NAME: {...} }` and
   * `--option NAME.key=value`; `.describe()` texts are shown by `pakeana plugins`.
   */
  readonly options?: SchemaSource<Options>;
  /**
   * What `options` gives for no options at all (its defaults), when nothing configures the
   * dissector: the run then passes these without building the schema, so that a run with no
   * options loads no zod (~50 ms of start). The test kit checks they are the schema's.
   */
  readonly defaultOptions?: Readonly<Options>;
  /** The shape of each record it emits (zod): checked field names in triggers, `pakeana plugins records`. */
  readonly records?: SchemaSource<object>;
  create(context: SessionContext<Options>): DissectorSession;
}
