import { SegmentMark, TcpFlag, duration, type PluginModule, type SegmentEvent, type TcpSession, type TriggerKind } from '@pakeana/framework';
import { z } from 'zod';
import { RetransmitWatch } from './retransmit-watch.js';

const { Reset, SynRetransmission, Fragmented, LongDelay } = SegmentMark;
const noOptions = z.object({}).strict();

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
  options: z.object({ mode: z.enum(['default', 'all']).default('default') }).strict(),
  create: ({ mode }) => ({
    name: 'tcp.reset',
    watch: (session, fire) => ({
      segment(event: SegmentEvent) {
        if (!(event.marks & Reset)) return;
        if (mode === 'all' || !(session.toServer.finSeen || session.toClient.finSeen)) fire();
      },
    }),
  }),
};

/** Sessions with a retransmitted segment, optionally only `after` the original (miruo -r). */
export const retransmit: TriggerKind<{ after: number }> = {
  name: 'tcp.retransmit',
  description: 'sessions with a retransmission (after: at least this long after the original)',
  options: z.object({ after: duration().default(0) }).strict(),
  create: ({ after }) => ({ name: 'tcp.retransmit', watch: (_session, fire) => new RetransmitWatch(after, fire) }),
};

/** A retransmitted SYN: slow or refused connects (miruo -S). */
export const synRetransmit: TriggerKind<Record<string, never>> = {
  name: 'tcp.syn-retransmit',
  description: 'sessions whose SYN was retransmitted',
  options: noOptions,
  create: () => ({ name: 'tcp.syn-retransmit', watch: (_session, fire) => markWatch(SynRetransmission, fire) }),
};

/** Sessions open longer than `over` (miruo -T). */
export const longConnect: TriggerKind<{ over: number }> = {
  name: 'tcp.duration',
  description: 'sessions open longer than over',
  options: z.object({ over: duration() }).strict(),
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
  options: z.object({ over: duration() }).strict(),
  create: ({ over }) => ({
    name: 'tcp.delay',
    watch: (_session, fire) => ({
      segment(event: SegmentEvent) {
        if (event.number > 1 && event.sincePrevious > over && !(event.tcp.flags & TcpFlag.SYN)) {
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
  create: () => ({ name: 'ip.fragment', watch: (_session, fire) => markWatch(Fragmented, fire) }),
};

function markWatch(mark: number, fire: () => void) {
  return {
    segment(event: SegmentEvent) {
      if (event.marks & mark) fire();
    },
  };
}

const plugin: PluginModule = { triggers: [all, reset, retransmit, synRetransmit, longConnect, longDelay, fragment] };
export default plugin;
