import type { Statistics } from '../pipeline/statistics.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import { sessionRecord, summaryRecord } from './session-record.js';
import { LineWriter, type SessionSink } from './sink.js';

/** NDJSON: one session record per line, the summary record last. */
export class JsonSink implements SessionSink {
  private readonly writer: LineWriter;

  constructor(out: NodeJS.WritableStream) {
    this.writer = new LineWriter(out);
  }

  session(session: TcpSession): void {
    this.writer.line(JSON.stringify(sessionRecord(session)));
  }

  finish(stats: Statistics): void {
    this.writer.line(JSON.stringify(summaryRecord(stats)));
    this.writer.flush();
  }
}
