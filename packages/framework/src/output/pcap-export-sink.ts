import type { Pipeline } from '../pipeline/pipeline.js';
import type { Statistics } from '../pipeline/statistics.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { StoredFrame } from '../sources/frame.js';
import { PcapWriter } from '../sources/pcap-writer.js';
import type { SessionSink } from './sink.js';

/**
 * `--export FILE.pcap`: every frame of every reported session, in capture order across
 * sessions. Frames of finished sessions wait until no session still open can have an earlier
 * frame (the watermark: the first frame of the oldest live session), then go out in order.
 */
export class PcapExportSink implements SessionSink {
  private readonly writer: PcapWriter;
  private waiting: StoredFrame[] = [];
  /** Index of the first frame of the oldest session still open, or null when none is. */
  private watermark: () => number | null = () => null;

  constructor(path: string) {
    this.writer = new PcapWriter(path);
  }

  bind(pipeline: Pipeline): void {
    this.watermark = () => pipeline.tracker.table.oldest?.firstFrame ?? null;
  }

  session(session: TcpSession): void {
    if (session.frames) for (const frame of session.frames) this.waiting.push(frame);
    this.release(this.watermark());
  }

  finish(stats: Statistics): void {
    this.release(null);
    this.writer.close();
    stats.droppedSegments += this.writer.skippedLinkTypeMismatch;
  }

  abort(): void {
    this.writer.abort();
  }

  /** Writes, in capture order, the waiting frames below the watermark (all of them for null). */
  private release(watermark: number | null): void {
    if (this.waiting.length === 0) return;
    this.waiting.sort((a, b) => a.index - b.index);
    let i = 0;
    while (i < this.waiting.length && (watermark === null || this.waiting[i]!.index < watermark)) this.writer.write(this.waiting[i++]!);
    this.waiting = this.waiting.slice(i);
  }
}
