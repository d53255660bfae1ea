import type { SessionSink } from '../output/sink.js';
import { FinishStage } from '../sessions/session-tracker.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { Pipeline } from './pipeline.js';
import type { SessionReport } from './reporter.js';

/**
 * A finished session a worker hands the main thread: reported (its output rendered), or only
 * marked (its marks counted in the summary). `frame`, `stage` and `order` are where one thread
 * would have finished it: results from all workers sorted by them come out in one thread's order.
 */
export interface ShardResult {
  /** The frame during whose handling it finished (Infinity: at the end of the input). */
  frame: number;
  stage: FinishStage;
  /** Its place within the stage: its last frame for timeouts and linger, its first at the end, else arrival. */
  order: number;
  /** The id the worker rendered (a stand-in, see `shardSessionIds`), and the frame that created it. */
  id: number;
  creation: number;
  reported: boolean;
  triggers: string[];
  marks: string[];
  /**
   * The sinks' output for it, in the batch's `output`: the byte lengths of its pieces, between
   * which its id goes (none when it is not reported).
   */
  pieces: number[];
}

/** What a worker sends after each chunk of input, and once at the end (watermark Infinity). */
export interface ShardBatch {
  type: 'batch';
  /** Every frame up to this index was handled: no later result can come from an earlier frame. */
  watermark: number;
  /** The first frames of the sessions created since the last batch, in order. */
  creations: number[];
  results: ShardResult[];
  /**
   * The results' output, UTF-8: the start of a buffer that is transferred, not copied, and comes
   * back with the credit once written, to be filled again (a run makes no garbage of them).
   */
  output: Uint8Array<ArrayBuffer>;
  /** Input bytes read so far (for the progress line). */
  bytesRead: number;
  /** Input chunks handled so far (Infinity: all of them), for how far the shares may run apart. */
  chunks: number;
  /** The first frame of the oldest session still open (Infinity: none): no later result is of an older one. */
  oldestOpen: number;
}

/**
 * What the main thread sends a worker: credit for output it wrote (and the batches' buffers it
 * is done with); how many chunks it may read; on Ctrl-C, stop, then the chunk every share ends
 * its read after (see `ShardRun`).
 */
export type ShardControl =
  | { type: 'credit'; bytes: number; buffers: Uint8Array<ArrayBuffer>[] }
  | { type: 'allow'; chunks: number }
  | { type: 'stop' }
  | { type: 'end-after'; chunks: number };

/** Output buffers kept to be filled again, at most; and the smallest made. */
const SPARE_BUFFERS = 4;
const MIN_BUFFER = 256 * 1024;

/** Output a worker may have sent and not seen written before it waits. */
const OUTPUT_CREDIT = 8 * 1024 * 1024;

/**
 * Ids a worker gives its sessions: the main thread learns each session's real id (its rank in
 * creation order over all workers) only when it merges, and puts it in place of this stand-in
 * in the rendered text. The stand-ins are 16-digit numbers whose first 7 digits are random (a
 * billion sessions counted in the rest): the output of a session could hold one elsewhere (in
 * text from the traffic) only by a chance of one in millions, and would then be cut there too.
 */
export function shardSessionIds(): number {
  return (1_000_000 + Math.floor(Math.random() * 7_000_000)) * 1e9;
}

/** Where the sinks of a worker write: each session's output is taken as one string. */
export class TextCapture {
  private text = '';

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }

  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  /** As the stream type the sinks take (they only call `write`). */
  get stream(): NodeJS.WritableStream {
    return this as unknown as NodeJS.WritableStream;
  }
}

/**
 * A worker's end of a run split by flows: renders each reported session with the run's sinks
 * (into a `TextCapture`), and sends the results with their place in one thread's order to the
 * main thread after each chunk of input. Waits when more than `OUTPUT_CREDIT` of output is
 * unwritten, so that a slow reader holds the output in bounds (how far the shares run apart is
 * bounded by `ShardSteering`).
 */
export class ShardCollector implements SessionReport {
  private pipeline: Pipeline | null = null;
  private results: ShardResult[] = [];
  /** The output of `results`, cut where the ids go. */
  private texts: string[] = [];
  private textBytes = 0;
  /** Output buffers the main thread gave back. */
  private readonly spare: Uint8Array<ArrayBuffer>[] = [];
  private creations: number[] = [];
  private arrival = 0;
  private unwritten = 0;
  private waiting: (() => void) | null = null;
  bytesRead = 0;
  chunks = 0;

  constructor(
    private readonly sinks: readonly SessionSink[],
    private readonly output: TextCapture,
    private readonly reportAll: boolean,
    private readonly send: (batch: ShardBatch) => void,
  ) {}

  bind(pipeline: Pipeline): void {
    this.pipeline = pipeline;
    for (const sink of this.sinks) sink.bind?.(pipeline);
    // Every flow's creation, for the ids.
    pipeline.tracker.onCreated = (firstFrame) => this.creations.push(firstFrame);
  }

  readonly finished = (session: TcpSession): void => {
    const reported = this.reportAll || session.triggers.length > 0;
    if (!reported && session.marks.length === 0) return;
    if (reported) for (const sink of this.sinks) sink.session(session);
    const { tracker, stats } = this.pipeline!;
    const stage = tracker.finishStage;
    const pieces = reported ? this.cut(this.output.take(), session.id) : [];
    this.results.push({
      frame: stage === FinishStage.End ? Infinity : stats.packets,
      stage,
      order: this.orderInStage(session, stage),
      id: session.id,
      creation: session.firstFrame,
      reported,
      triggers: session.triggers.slice(),
      marks: session.marks.slice(),
      pieces,
    });
  };

  /** Cuts a session's output where its stand-in id is, keeping the pieces; their lengths in bytes. */
  private cut(text: string, id: number): number[] {
    const pieces = text.split(String(id));
    const lengths = new Array<number>(pieces.length);
    for (let i = 0; i < pieces.length; i++) {
      this.texts.push(pieces[i]!);
      lengths[i] = Buffer.byteLength(pieces[i]!);
      this.textBytes += lengths[i]!;
      this.unwritten += lengths[i]!;
    }
    return lengths;
  }

  drained(): Promise<void> | null {
    this.flush(this.pipeline!.stats.packets);
    if (this.unwritten <= OUTPUT_CREDIT) return null;
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** The main thread wrote `bytes` of this worker's output, and is done with `buffers`. */
  credit(bytes: number, buffers: readonly Uint8Array<ArrayBuffer>[]): void {
    for (const buffer of buffers) if (buffer.byteLength > 0 && this.spare.length < SPARE_BUFFERS) this.spare.push(new Uint8Array(buffer.buffer));
    this.unwritten -= bytes;
    if (this.waiting && this.unwritten <= OUTPUT_CREDIT / 2) {
      this.waiting();
      this.waiting = null;
    }
  }

  async finish(): Promise<void> {
    this.flush(Infinity);
  }


  private flush(watermark: number): void {
    // A batch with no output (most, with the default triggers) takes no buffer of the few spare.
    const output = this.textBytes === 0 ? new Uint8Array(0) : this.buffer(this.textBytes);
    if (this.textBytes > 0) Buffer.from(output.buffer).write(this.texts.join(''));
    this.textBytes = 0;
    const chunks = watermark === Infinity ? Infinity : this.chunks;
    const oldestOpen = this.pipeline!.tracker.table.oldest?.firstFrame ?? Infinity;
    this.send({ type: 'batch', watermark, creations: this.creations, results: this.results, output, bytesRead: this.bytesRead, chunks, oldestOpen });
    this.creations = [];
    this.results = [];
    this.texts = [];
  }

  /** The start of a spare buffer that holds `bytes`, or of a new one (its own memory, not Node's shared pool: it is transferred). */
  private buffer(bytes: number): Uint8Array<ArrayBuffer> {
    const i = this.spare.findIndex((b) => b.byteLength >= bytes);
    const whole = i >= 0 ? this.spare.splice(i, 1)[0]! : new Uint8Array(Math.max(MIN_BUFFER, 2 ** Math.ceil(Math.log2(bytes || 1))));
    return whole.subarray(0, bytes);
  }

  /** Queues keep idle order, and the end finishes in creation order (see `FinishStage`). */
  private orderInStage(session: TcpSession, stage: FinishStage): number {
    switch (stage) {
      case FinishStage.HousekeepingIdle:
      case FinishStage.HousekeepingClosing:
      case FinishStage.SegmentIdle:
      case FinishStage.SegmentClosing:
        return session.touchedFrame;
      case FinishStage.End:
        return session.firstFrame;
      default:
        return ++this.arrival;
    }
  }
}
