import { LineWriter, summaryRecord, type SessionSink, type Statistics, type TcpSession } from '@pakeana/framework';

/** Session header lines in miruo's layout (segment lines come with the pretty printer). */
export class PrettySink implements SessionSink {
  private readonly writer: LineWriter;

  constructor(out: NodeJS.WritableStream) {
    this.writer = new LineWriter(out);
  }

  session(s: TcpSession): void {
    const client = `${s.client.ip}:${s.client.port}`;
    const server = `${s.server.ip}:${s.server.port}`;
    const start = `${Math.floor(s.start)}.${String(Math.floor((s.start % 1) * 1000)).padStart(3, '0')}`;
    this.writer.line(
      `${String(s.id).padStart(4, '0')} ${start.padStart(17)} |${client.padStart(21)} == ${server.padEnd(21)}| Total ${s.packets} segments, ${s.clientBytes + s.serverBytes} bytes${s.triggers.length ? ' [' + s.triggers.join(', ') + ']' : ''}`,
    );
  }

  finish(stats: Statistics): void {
    this.writer.flush();
    process.stderr.write(JSON.stringify(summaryRecord(stats)) + '\n');
  }
}
