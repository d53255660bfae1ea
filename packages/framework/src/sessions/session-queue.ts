import type { TcpSession } from './tcp-session.js';

/**
 * A first-in first-out list of sessions linked through the sessions themselves
 * (`waitPrev`/`waitNext`), so that a session leaves it in O(1) wherever it is and nothing
 * is kept alive once the flow table forgets it. A session is in at most one queue: the
 * tracker's closing sessions waiting out their linger, or its tombstones.
 */
export class SessionQueue {
  private head: TcpSession | null = null;
  private tail: TcpSession | null = null;
  size = 0;

  get first(): TcpSession | null {
    return this.head;
  }

  has(session: TcpSession): boolean {
    return session.queue === this;
  }

  push(session: TcpSession): void {
    session.queue?.remove(session);
    session.queue = this;
    session.waitPrev = this.tail;
    session.waitNext = null;
    if (this.tail) this.tail.waitNext = session;
    else this.head = session;
    this.tail = session;
    this.size++;
  }

  /** Moves a session of this queue to its end (it was just seen). */
  moveToEnd(session: TcpSession): void {
    if (this.tail === session || session.queue !== this) return;
    this.remove(session);
    this.push(session);
  }

  remove(session: TcpSession): void {
    if (session.queue !== this) return;
    if (session.waitPrev) session.waitPrev.waitNext = session.waitNext;
    else this.head = session.waitNext;
    if (session.waitNext) session.waitNext.waitPrev = session.waitPrev;
    else this.tail = session.waitPrev;
    session.waitPrev = session.waitNext = null;
    session.queue = null;
    this.size--;
  }
}
