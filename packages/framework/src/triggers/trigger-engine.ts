import type { SessionObserver } from '../sessions/observer.js';
import type { SegmentEvent } from '../sessions/segment-event.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { SessionWatch, Trigger } from './api.js';

/**
 * Runs the configured triggers over every session: one watch per trigger per session, fed
 * segments and records as they happen and told when the session ends. A firing adds the
 * trigger's name to `session.triggers`; `onFire` hears about the first firing of each
 * trigger on a session (live capture reports open sessions from it).
 */
export class TriggerEngine implements SessionObserver {
  private slot = 0;

  constructor(
    readonly triggers: readonly Trigger[],
    private readonly onFire: (session: TcpSession, trigger: string) => void = () => {},
  ) {}

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    const watches: SessionWatch[] = this.triggers.map((trigger) =>
      trigger.watch(session, () => {
        if (session.addTrigger(trigger.name)) this.onFire(session, trigger.name);
      }),
    );
    session.observerState[this.slot] = watches;
  }

  // Indexed loops: an array iterator per segment was this engine's main allocation.
  segment(session: TcpSession, event: SegmentEvent): void {
    const watches = this.watches(session);
    for (let i = 0; i < watches.length; i++) watches[i]!.segment?.(event);
  }

  record(session: TcpSession, protocol: string, record: object): void {
    const watches = this.watches(session);
    for (let i = 0; i < watches.length; i++) watches[i]!.record?.(protocol, record);
  }

  close(session: TcpSession): void {
    for (const watch of this.watches(session)) watch.end?.();
  }

  private watches(session: TcpSession): SessionWatch[] {
    return session.observerState[this.slot] as SessionWatch[];
  }
}
