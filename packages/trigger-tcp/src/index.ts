import { SegmentMark, TcpFlag, duration, lazySchema, type PluginModule, type SegmentEvent, type SessionWatch, type TcpSession, type TriggerKind } from '@pakeana/framework';
import { RetransmitWatch } from './retransmit-watch.js';

const { Reset, SynRetransmission, Fragmented, LongDelay } = SegmentMark;
const { SYN } = TcpFlag;
// Option schemas are built on first use: a run with the default triggers needs none.
const noOptions = lazySchema((z) => z.object({}).strict());
const resetOptions = lazySchema((z) => z.object({ mode: z.enum(['default', 'all']).default('default') }).strict());
const afterOptions = lazySchema((z) => z.object({ after: duration().default(0) }).strict());
const overOptions = lazySchema((z) => z.object({ over: duration() }).strict());

/** Every session (miruo -a). */
export const all: TriggerKind<Record<string, never>> = {
  name: 'all',
  description: 'every session',
  options: noOptions,
  create: () => ({ name: 'all', watch: (_session, fire) => (fire(), {}) }),
};

/** Sessions ended or refused by RST; by default not a RST that follows a FIN (miruo -R). */
export const reset: TriggerKind<{ mode: 'default' | 'all' }> = {
  name: 'tcp.reset',
  description: 'sessions ended or refused by RST (mode all: also a RST after a FIN)',
  options: resetOptions,
  create: ({ mode }) => ({
    name: 'tcp.reset',
    watch: (session, fire) => new ResetWatch(session, mode === 'all', fire),
  }),
};

/** Sessions with a retransmitted segment, optionally only `after` the original (miruo -r). */
export const retransmit: TriggerKind<{ after: number }> = {
  name: 'tcp.retransmit',
  description: 'sessions with a retransmission (after: at least this long after the original)',
  options: afterOptions,
  create: ({ after }) => ({ name: 'tcp.retransmit', watch: (_session, fire) => new RetransmitWatch(after, fire) }),
};

/** A retransmitted SYN: slow or refused connects (miruo -S). */
export const synRetransmit: TriggerKind<Record<string, never>> = {
  name: 'tcp.syn-retransmit',
  description: 'sessions whose SYN was retransmitted',
  options: noOptions,
  create: () => ({ name: 'tcp.syn-retransmit', watch: (_session, fire) => new MarkWatch(SynRetransmission, fire) }),
};

/** Sessions open longer than `over` (miruo -T). */
export const longConnect: TriggerKind<{ over: number }> = {
  name: 'tcp.duration',
  description: 'sessions open longer than over',
  options: overOptions,
  create: ({ over }) => ({
    name: 'tcp.duration',
    watch: (session: TcpSession, fire) => ({
      segment(event: SegmentEvent) {
        if (event.time - session.start > over) fire();
      },
      end() {
        if (session.duration > over) fire();
      },
    }),
  }),
};

/** A segment that came longer than `over` after the previous one of its session (miruo -t). */
export const longDelay: TriggerKind<{ over: number }> = {
  name: 'tcp.delay',
  description: 'a segment that waited longer than over after the previous segment of the session',
  options: overOptions,
  create: ({ over }) => ({
    name: 'tcp.delay',
    watch: (_session, fire) => ({
      segment(event: SegmentEvent) {
        if (event.number > 1 && event.sincePrevious > over && !(event.tcp.flags & SYN)) {
          event.marks |= LongDelay;
          fire();
        }
      },
    }),
  }),
};

/** Sessions that carried IP fragments (miruo -F). */
export const fragment: TriggerKind<Record<string, never>> = {
  name: 'ip.fragment',
  description: 'sessions that carried IP fragments',
  options: noOptions,
  create: () => ({ name: 'ip.fragment', watch: (_session, fire) => new MarkWatch(Fragmented, fire) }),
};

// Watches are classes, not object literals with methods: a literal makes a closure per method per session.

/** Fires on a segment that carries `segmentMark`. */
class MarkWatch implements SessionWatch {
  constructor(
    private readonly segmentMark: number,
    private readonly fire: () => void,
  ) {}

  segment(event: SegmentEvent): void {
    if (event.marks & this.segmentMark) this.fire();
  }
}

/** Fires on a RST; unless `afterFin`, not on one that follows a FIN. */
class ResetWatch implements SessionWatch {
  constructor(
    private readonly session: TcpSession,
    private readonly afterFin: boolean,
    private readonly fire: () => void,
  ) {}

  segment(event: SegmentEvent): void {
    if (!(event.marks & Reset)) return;
    if (this.afterFin || !(this.session.toServer.finSeen || this.session.toClient.finSeen)) this.fire();
  }
}

const plugin: PluginModule = { apiVersion: 1, triggers: [all, reset, retransmit, synRetransmit, longConnect, longDelay, fragment] };
export default plugin;
