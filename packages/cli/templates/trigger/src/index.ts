// __PACKAGE__: a pakeana trigger kind, `__NAME__`.
//
// As generated, it fires on sessions that carry more than `over` payload bytes. A trigger
// kind has a name, an options schema and a factory; pakeana calls `create` once per trigger
// in the config and `watch` once per session, then the watch's `segment` for each TCP
// segment, `record` for each dissector record, `mark` for each new session mark, and `end`.
// See docs/writing-a-trigger.md in pakeana's repository.
import { lazySchema, size, type PluginModule, type SchemaSource, type SessionWatch, type TcpSession, type TriggerKind } from '@pakeana/framework';

/** Options: `triggers: [{ __NAME__: { over: 10MB } }]` in the config file. */
export interface __TYPE__Options {
  /** Payload bytes (the schema takes 64KiB, 10MB, or a number). */
  over: number;
  /** Whose bytes count: the client's, the server's, or either side's. */
  side: 'client' | 'server' | 'either';
}

// Built on first use (lazySchema): a run that does not configure the trigger does not load zod.
const options: SchemaSource<__TYPE__Options> = lazySchema((z) =>
  z
    .object({
      over: size().describe('payload bytes: 64KiB, 10MB'),
      side: z.enum(['client', 'server', 'either']).default('either').describe('whose bytes count'),
    })
    .strict(),
);

export const __IDENT__: TriggerKind<__TYPE__Options> = {
  name: '__NAME__',
  description: 'sessions that carry more than over payload bytes (side: client, server or either)',
  options,
  create: ({ over, side }) => ({
    name: '__NAME__',
    watch: (session, fire) => new __TYPE__Watch(session, over, side, fire),
  }),
};

/** One session: checks the byte counts as segments come (a few compares each), and at the end. */
class __TYPE__Watch implements SessionWatch {
  private fired = false;

  constructor(
    private readonly session: TcpSession,
    private readonly over: number,
    private readonly side: __TYPE__Options['side'],
    private readonly fire: () => void,
  ) {}

  segment(): void {
    if (!this.fired) this.check();
  }

  end(): void {
    if (!this.fired) this.check();
  }

  private check(): void {
    const { clientBytes, serverBytes } = this.session;
    const bytes = this.side === 'client' ? clientBytes : this.side === 'server' ? serverBytes : Math.max(clientBytes, serverBytes);
    if (bytes > this.over) {
      this.fired = true;
      this.fire();
    }
  }
}

/** The package's plugin module: its trigger kinds (a package may also bring dissectors). */
const plugin: PluginModule = { apiVersion: 1, triggers: [__IDENT__] };
export default plugin;
