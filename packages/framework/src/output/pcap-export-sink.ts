import { MemoryKind, storedFrameCost } from '../memory/memory-account.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Statistics } from '../pipeline/statistics.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import { PcapWriter } from '../sources/pcap-writer.js';
import { FrameMerge } from './frame-merge.js';
import type { SessionSink } from './sink.js';

/**
 * `--export FILE.pcap`: every frame of every reported session, in capture order across
 * sessions. Frames of finished sessions wait until no session still open can have an earlier
 * frame (the watermark: the first frame of the oldest live session), then go out in order,
 * merged from the sessions' own ordered lists. Waiting frames are charged to the memory
 * account (ExportFrames) from the moment the sink takes them over until they are written.
 * The target is checked when the sink is made (ExportTargetError), before any packet is read.
 */
export class PcapExportSink implements SessionSink {
  private readonly writer: PcapWriter;
  private readonly waiting = new FrameMerge();
  private pipeline: Pipeline | null = null;

  constructor(path: string) {
    this.writer = new PcapWriter(path);
  }

  bind(pipeline: Pipeline): void {
    this.pipeline = pipeline;
  }

  /** Takes over the session's frames (charged from here on), then writes what the watermark allows. */
  session(session: TcpSession): void {
    const pipeline = this.bound();
    if (session.frames) {
      let bytes = 0;
      for (const frame of session.frames) bytes += storedFrameCost(frame.data.length);
      pipeline.memory.charge(MemoryKind.ExportFrames, bytes);
      this.waiting.add(session.frames);
    }
    this.writeBelow(pipeline.tracker.table.oldest?.firstFrame ?? Infinity);
  }

  finish(_stats: Statistics): void {
    this.writeBelow(Infinity);
    this.writer.close();
  }

  abort(): void {
    this.writer.abort();
  }

  /** Frames waiting to be written. */
  get waitingFrames(): number {
    return this.waiting.size;
  }

  /**
   * Writes, in capture order, the waiting frames with an index below the watermark. A frame of
   * another link type than the file's is counted as a dropped segment as it is met, so the
   * count is in the statistics before the summaries are written.
   */
  private writeBelow(watermark: number): void {
    if (this.waiting.size === 0) return;
    const { memory, stats } = this.bound();
    while (this.waiting.nextIndex < watermark) {
      const frame = this.waiting.take()!;
      memory.release(MemoryKind.ExportFrames, storedFrameCost(frame.data.length));
      if (!this.writer.write(frame)) stats.droppedSegments++;
    }
  }

  private bound(): Pipeline {
    if (!this.pipeline) throw new Error('PcapExportSink: bind(pipeline) before the first session');
    return this.pipeline;
  }
}
