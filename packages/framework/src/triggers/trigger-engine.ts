import type { SessionObserver } from '../sessions/observer.js';
import type { SegmentEvent } from '../sessions/segment-event.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { PluginFailures } from '../pipeline/plugin-failures.js';
import type { SessionWatch, Trigger } from './api.js';

/** What a failed watch is replaced with for the rest of its session. */
const DISABLED: SessionWatch = {};

/**
 * Runs the configured triggers over every session: one watch per trigger per session, fed
 * segments and records as they happen and told when the session ends. A firing adds the
 * trigger's name to `session.triggers`; `onFire` hears about the first firing of each
 * trigger on a session (live capture reports open sessions from it).
 *
 * A watch that throws is isolated: it gets no more calls for that session, the session is
 * marked `trigger-error: NAME: message`, and `failures` counts and reports it.
 */
export class TriggerEngine implements SessionObserver {
  private slot = 0;

  constructor(
    readonly triggers: readonly Trigger[],
    private readonly onFire: (session: TcpSession, trigger: string) => void = () => {},
    private readonly failures: PluginFailures | null = null,
  ) {}

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    const watches: SessionWatch[] = [];
    for (const trigger of this.triggers) {
      try {
        watches.push(
          trigger.watch(session, () => {
            if (session.addTrigger(trigger.name)) this.onFire(session, trigger.name);
          }),
        );
      } catch (error) {
        watches.push(DISABLED);
        this.failed(session, trigger, error);
      }
    }
    session.observerState[this.slot] = watches;
  }

  // Indexed loops: an array iterator per segment was this engine's main allocation.
  segment(session: TcpSession, event: SegmentEvent): void {
    const watches = this.watches(session);
    for (let i = 0; i < watches.length; i++) {
      try {
        watches[i]!.segment?.(event);
      } catch (error) {
        this.disable(session, i, error);
      }
    }
  }

  record(session: TcpSession, protocol: string, record: object): void {
    const watches = this.watches(session);
    for (let i = 0; i < watches.length; i++) {
      try {
        watches[i]!.record?.(protocol, record);
      } catch (error) {
        this.disable(session, i, error);
      }
    }
  }

  close(session: TcpSession): void {
    const watches = this.watches(session);
    for (let i = 0; i < watches.length; i++) {
      try {
        watches[i]!.end?.();
      } catch (error) {
        this.disable(session, i, error);
      }
    }
  }

  private disable(session: TcpSession, index: number, error: unknown): void {
    this.watches(session)[index] = DISABLED;
    this.failed(session, this.triggers[index]!, error);
  }

  private failed(session: TcpSession, trigger: Trigger, error: unknown): void {
    const message = this.failures?.report('trigger', trigger.name, error) ?? (error instanceof Error ? error.message : String(error));
    const mark = `trigger-error: ${trigger.name}: ${message}`;
    if (!session.marks.includes(mark)) session.marks.push(mark);
  }

  private watches(session: TcpSession): SessionWatch[] {
    return session.observerState[this.slot] as SessionWatch[];
  }
}
