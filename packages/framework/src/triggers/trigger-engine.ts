import type { SessionObserver } from '../sessions/observer.js';
import type { SegmentEvent } from '../sessions/segment-event.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { PluginFailures } from '../pipeline/plugin-failures.js';
import type { SessionWatch, Trigger } from './api.js';

const endWatch = (watch: SessionWatch): void => watch.end?.();

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
  /** The session and watch being called, null between calls (see `stopped`). */
  private callingSession: TcpSession | null = null;
  private callingWatch = 0;

  /**
   * Each trigger's `fire`, one function for all sessions: the session is the one being called
   * (a closure per trigger per session was a third of a half-open session's memory).
   */
  private readonly fires: (() => void)[];

  constructor(
    readonly triggers: readonly Trigger[],
    private readonly onFire: (session: TcpSession, trigger: string) => void = () => {},
    private readonly failures: PluginFailures | null = null,
  ) {
    this.fires = triggers.map((trigger) => () => this.fired(trigger.name));
  }

  /** A watch fired: a call outside the engine's (a timer's) has no session and is ignored. */
  private fired(name: string): void {
    const session = this.callingSession;
    if (session?.addTrigger(name)) this.onFire(session, name);
  }

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    // Sized up front: an array grown by push reserves 17 slots.
    const watches = new Array<SessionWatch>(this.triggers.length);
    session.observerState[this.slot] = watches;
    this.callingSession = session;
    for (let i = 0; i < this.triggers.length; i++) {
      this.callingWatch = i;
      try {
        watches[i] = this.triggers[i]!.watch(session, this.fires[i]!);
      } catch (error) {
        watches[i] = DISABLED;
        this.failed(session, this.triggers[i]!, error);
      }
    }
    this.callingSession = null;
  }

  /** A watch that hears records or marks needs them as they happen. */
  needsDissection(session: TcpSession): boolean {
    return this.watches(session).some((watch) => watch.record !== undefined || watch.mark !== undefined);
  }

  // Indexed loops: an array iterator per segment was this engine's main allocation.
  segment(session: TcpSession, event: SegmentEvent): void {
    const watches = this.watches(session);
    this.callingSession = session;
    for (let i = 0; i < watches.length; i++) {
      this.callingWatch = i;
      try {
        watches[i]!.segment?.(event);
      } catch (error) {
        this.disable(session, i, error);
      }
    }
    this.callingSession = null;
  }

  record(session: TcpSession, protocol: string, record: object): void {
    this.each(session, (watch) => watch.record?.(protocol, record));
  }

  mark(session: TcpSession, reason: string): void {
    this.each(session, (watch) => watch.mark?.(reason));
  }

  close(session: TcpSession): void {
    this.each(session, endWatch);
  }

  /** Calls each watch of the session in turn, isolating one that throws (`segment` inlines this: it is per segment). */
  private each(session: TcpSession, call: (watch: SessionWatch) => void): void {
    const watches = this.watches(session);
    this.callingSession = session;
    for (let i = 0; i < watches.length; i++) {
      this.callingWatch = i;
      try {
        call(watches[i]!);
      } catch (error) {
        this.disable(session, i, error);
      }
    }
    this.callingSession = null;
  }

  stopped(why: string): boolean {
    const session = this.callingSession;
    if (!session) return false;
    this.callingSession = null;
    this.disable(session, this.callingWatch, new Error(why));
    return true;
  }

  private disable(session: TcpSession, index: number, error: unknown): void {
    this.watches(session)[index] = DISABLED;
    this.failed(session, this.triggers[index]!, error);
  }

  private failed(session: TcpSession, trigger: Trigger, error: unknown): void {
    const message = this.failures?.report('trigger', trigger.name, error) ?? (error instanceof Error ? error.message : String(error));
    // Not told to the triggers: a failing watch must not set off the others.
    session.addMark(`trigger-error: ${trigger.name}: ${message}`);
  }

  private watches(session: TcpSession): SessionWatch[] {
    return session.observerState[this.slot] as SessionWatch[];
  }
}
