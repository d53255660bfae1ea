import type { SessionSink } from '../output/sink.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { Pipeline } from './pipeline.js';
import type { Statistics } from './statistics.js';

/** Where a run's finished sessions go: the reporter, or in a worker the collector that sends them to the main thread. */
export interface SessionReport {
  /** Called once with the run's pipeline before the first frame. */
  bind?(pipeline: Pipeline): void;
  /** The session-finished callback for the pipeline. */
  readonly finished: (session: TcpSession) => void;
  /** Between chunks of input: settles when output can take more (null when it can now). */
  drained(): Promise<void> | null;
  /** After the last session. */
  finish(): Promise<void>;
  /** The run stops on an error (a live capture's). */
  abort?(): void;
}

/**
 * Decides which finished sessions are reported (those a trigger fired on; every one with
 * `all`) and hands them to the sinks, counting them per trigger, and every session's marks.
 */
export class Reporter implements SessionReport {
  constructor(
    private readonly sinks: readonly SessionSink[],
    private readonly stats: Statistics,
    private readonly reportAll: boolean,
  ) {}

  bind(pipeline: Pipeline): void {
    for (const sink of this.sinks) sink.bind?.(pipeline);
  }

  /** The session-finished callback for the pipeline: every finished session's marks are counted. */
  readonly finished = (session: TcpSession): void => {
    this.stats.countMarks(session.marks);
    if (!this.reportAll && session.triggers.length === 0) return;
    this.stats.reported++;
    for (const name of session.triggers) this.stats.byTrigger[name] = (this.stats.byTrigger[name] ?? 0) + 1;
    for (const sink of this.sinks) sink.session(session);
  };

  /** Settles when every sink can take more output (null when none is backed up). */
  drained(): Promise<void> | null {
    let waits: Promise<void>[] | null = null;
    for (const sink of this.sinks) {
      const wait = sink.drained?.();
      if (wait) (waits ??= []).push(wait);
    }
    return waits && Promise.all(waits).then(() => undefined);
  }

  async finish(): Promise<void> {
    for (const sink of this.sinks) await sink.finish(this.stats);
  }

  abort(): void {
    for (const sink of this.sinks) sink.abort?.();
  }
}
