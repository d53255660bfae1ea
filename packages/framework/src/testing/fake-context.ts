import type { Clock, DisplayLine, Dissector, Endpoint, Logger, Services, SessionContext, Timestamp } from '../dissect/api.js';
import { parseDissectorOptions } from './dissector-options.js';
import { parseEndpoint } from './packet-builder.js';

export interface FakeContextOptions<Options extends object> {
  /** The dissector under test: its `options` schema validates `options` and fills defaults. */
  dissector?: Dissector<Options>;
  /** The options as a config file gives them (validated with `dissector`'s schema when it is given). */
  options?: Readonly<Record<string, unknown>>;
  /** `ip:port` (IPv6 as `[addr]:port`) or an Endpoint; default 10.0.0.1:40000. */
  client?: string | Endpoint;
  /** Default 10.0.0.2:80. */
  server?: string | Endpoint;
  /** Session id (default 1). */
  id?: number;
  /** Whether display lines are wanted (`context.displaying`, default true). */
  displaying?: boolean;
  /** The capture clock's time at the start (default 1_700_000_000). */
  now?: Timestamp;
}

/**
 * A recording `SessionContext` for unit tests of a dissector without the pipeline: give it
 * to `create`, feed the returned session `data`/`gap`/`end` yourself, then look at what the
 * dissector said:
 *
 *   const ctx = fakeContext({ dissector: smtp, options: { errorFrom: 500 } });
 *   const session = smtp.create(ctx);
 *   session.data('server', Buffer.from('220 ready\r\n'), ctx.now);
 *   assert.deepEqual(ctx.records.map((r) => r.code), [220]);
 *
 * Like the pipeline, it keeps no records or lines emitted after a `reject` (before a
 * `confirm`); `marks` lists every `mark` call (the session keeps each mark once).
 */
export class FakeContext<RecordType extends object = object, Options extends object = any>
  implements SessionContext<Options>
{
  readonly id: number;
  client: Endpoint;
  server: Endpoint;
  readonly options: Options;
  readonly displaying: boolean;
  readonly services: Services;
  /** Records emitted, in order. */
  readonly records: RecordType[] = [];
  /** Display lines, in order. */
  readonly displayLines: DisplayLine[] = [];
  /** Every `mark` call, in order. */
  readonly marks: string[] = [];
  /** `confirm`, `reject` and `swapRoles` calls, in order: `'confirm'`, `'reject: REASON'`, `'swapRoles'`. */
  readonly calls: string[] = [];
  /** What the dissector logged through `services.logger`: `'warn: ...'`, `'debug: ...'`. */
  readonly logs: string[] = [];
  /** The capture time `services.clock.now()` gives: set it as your test's time moves. */
  now: Timestamp;
  private confirmed = false;
  private rejected = false;

  constructor(settings: FakeContextOptions<Options> = {}) {
    this.id = settings.id ?? 1;
    this.client = toEndpoint(settings.client ?? '10.0.0.1:40000');
    this.server = toEndpoint(settings.server ?? '10.0.0.2:80');
    this.displaying = settings.displaying ?? true;
    this.now = settings.now ?? 1_700_000_000;
    this.options = (settings.dissector ? parseDissectorOptions(settings.dissector, settings.options ?? {}) : (settings.options ?? {})) as Options;
    const clock: Clock = { now: () => this.now };
    const logger: Logger = {
      warn: (message) => void this.logs.push(`warn: ${message}`),
      debug: (message) => void this.logs.push(`debug: ${message}`),
    };
    this.services = { clock, logger, options: () => this.options as Readonly<Record<string, unknown>> };
  }

  emit(record: object): void {
    if (!this.rejected) this.records.push(record as RecordType);
  }

  display(line: DisplayLine): void {
    if (!this.rejected) this.displayLines.push(line);
  }

  mark(reason: string): void {
    this.marks.push(reason);
  }

  confirm(): void {
    this.calls.push('confirm');
    if (!this.rejected) this.confirmed = true;
  }

  reject(reason: string): void {
    this.calls.push(`reject: ${reason}`);
    if (!this.confirmed) this.rejected = true;
  }

  /** Swaps `client` and `server` before a confirm, as the pipeline does (which then starts a new DissectorSession). */
  swapRoles(): boolean {
    this.calls.push('swapRoles');
    if (this.confirmed || this.rejected) return false;
    [this.client, this.server] = [this.server, this.client];
    return true;
  }
}

/** A recording session context (see `FakeContext`). */
export function fakeContext<RecordType extends object = object, Options extends object = any>(
  settings: FakeContextOptions<Options> = {},
): FakeContext<RecordType, Options> {
  return new FakeContext<RecordType, Options>(settings);
}

function toEndpoint(value: string | Endpoint): Endpoint {
  return typeof value === 'string' ? parseEndpoint(value) : value;
}
