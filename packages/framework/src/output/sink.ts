import type { Writable } from 'node:stream';
import type { Statistics } from '../pipeline/statistics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { TcpSession } from '../sessions/tcp-session.js';

/**
 * Where reported sessions go (pretty text, JSON lines, pcap export). `session` is called once
 * per reported session, in the order sessions finish; `finish` once at the end, with the
 * run's statistics (for the summary).
 */
export interface SessionSink {
  /** Called once with the run's pipeline before the first session (e.g. to see which sessions are open). */
  bind?(pipeline: Pipeline): void;
  session(session: TcpSession): void;
  /** Live capture: a trigger fired on a session that is still open (once per session). */
  reportOpen?(session: TcpSession, trigger: string): void;
  finish(stats: Statistics): void | Promise<void>;
  /**
   * A promise while the sink's output is backed up (a slow reader at the other end of a
   * pipe), settled when it can take more; null otherwise. The input waits for it before its
   * next chunk, so output is never held in memory without bound.
   */
  drained?(): Promise<void> | null;
  /** Called when the run stops on an error: drop partial output (e.g. a temporary file). */
  abort?(): void;
}

/** Buffered writes to a stream: one write per 64 KiB instead of one per line. */
export class LineWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** While the stream holds more than it wants (its last write returned false), settles on its 'drain'. */
  drained(): Promise<void> | null {
    if (!(this.out as Partial<Writable>).writableNeedDrain) return null;
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  line(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length + 1;
    if (this.pendingLength >= 65536) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.out.write(this.pending.join('\n') + '\n');
    this.pending = [];
    this.pendingLength = 0;
  }
}
