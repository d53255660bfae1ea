import type { Statistics } from '../pipeline/statistics.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import { sessionRecord, summaryRecord } from './session-record.js';
import { LineWriter, type SessionSink } from './sink.js';

/** NDJSON: one session record per line, the summary record last. */
export class JsonSink implements SessionSink {
  private readonly writer: LineWriter;

  constructor(
    out: NodeJS.WritableStream,
    private readonly live = false,
  ) {
    this.writer = new LineWriter(out);
  }

  drained(): Promise<void> | null {
    return this.writer.drained();
  }

  session(session: TcpSession): void {
    this.writer.line(JSON.stringify(sessionRecord(session)));
    if (this.live) this.writer.flush();
  }

  /** A record now, marked `reportedWhileOpen`; the full record follows when the session ends. */
  reportOpen(session: TcpSession): void {
    this.writer.line(JSON.stringify({ ...sessionRecord(session), state: 'open', reportedWhileOpen: true }));
    this.writer.flush();
  }

  finish(stats: Statistics): void {
    this.writer.line(JSON.stringify(summaryRecord(stats)));
    this.writer.flush();
  }
}
