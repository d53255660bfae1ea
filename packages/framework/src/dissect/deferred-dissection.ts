import type { StreamReceiver } from '../reassembly/tcp-stream.js';
import { MemoryKind, type MemoryAccount } from '../memory/memory-account.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import type { EndReason } from './api.js';
import { DirectionReceiver, type DissectorBinding, type TwoWayReceiver } from './dispatcher.js';

/**
 * Dissection on demand. When nothing reads a session's records or marks as they happen (no
 * trigger watches them), its dissector output matters only if the session is reported. The
 * session then keeps its reassembled stream here instead of dissecting it (where its bytes are
 * in the capture file when it is read from one, else a copy); when it is reported
 * (a trigger fires, or it finishes reported) the stream is replayed through the dissector
 * exactly as it arrived (same bytes, gaps, times, segment numbers, place among the marks), and
 * a session that is never reported is never dissected. A stream that outgrows its bound, or
 * the bound all sessions share, is replayed at once and dissected as it arrives from then on.
 */

/** What a replay tells its host before each call, so that the dissector sees the call's original moment. */
export interface ReplayMoment {
  /** The next call happened at capture time `at`, during segment `segment`, when the session had `marks` marks. */
  replayAt(at: number, segment: number, marks: number): void;
}

/** Stream bytes one session keeps for a later dissection; a longer stream is dissected as it arrives. */
export const DEFERRED_BYTES_PER_SESSION = 1024 * 1024;
/** Memory all sessions hold together for a later dissection (copies and the lists of calls). */
export const DEFERRED_BYTES_IN_ALL = 64 * 1024 * 1024;
/** Memory one kept call costs: its ENTRY_SIZE numbers in the list. */
const ENTRY_COST = 48;

/** Where the input file's bytes can be read again (`InputFile`). */
export interface RereadableInput {
  /** `length` bytes at `position` (a view, valid until the next call); null when they cannot be read. */
  bytes(position: number, length: number): Buffer | null;
}

/** The memory all deferred sessions hold, charged to the run's memory account as records. */
export class DeferralBudget {
  held = 0;

  constructor(
    private readonly memory: MemoryAccount,
    readonly perSession = DEFERRED_BYTES_PER_SESSION,
    readonly inAll = DEFERRED_BYTES_IN_ALL,
  ) {}

  /**
   * Takes `held` bytes of memory for `streamed` more bytes of a session's stream that has
   * `sessionStreamed` already: false when its stream or everyone's memory would pass the bound.
   */
  take(sessionStreamed: number, streamed: number, held: number): boolean {
    if (sessionStreamed + streamed > this.perSession || this.held + held > this.inAll || this.memory.over) return false;
    this.held += held;
    this.memory.charge(MemoryKind.Records, held);
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
    this.memory.release(MemoryKind.Records, bytes);
  }
}

/** What a deferred session asks of the tracker. */
export interface DeferralHost {
  readonly deferral: DeferralBudget;
  /** The input file, when the bytes can be read from it again. */
  readonly input: RereadableInput | null;
  /** Capture time of the packet being processed. */
  now(): number;
  /** Where `buf[offset]` is in the input file: -1 unless it is in the frame being processed, read from a file. */
  inputPosition(buf: Buffer, offset: number): number;
  /** The stream outgrew its bound: dissect the session now, and as it arrives from then on. */
  dissectNow(session: TcpSession): void;
}

// Per entry: kind, length, capture time, segment number, marks before, input file position
// (-1: the bytes are the next ones of `bytes`).
const ENTRY_SIZE = 6;
// An entry's kind: its direction (the receivers' index), plus GAP for a gap.
const CLIENT_DATA = 0;
const SERVER_DATA = 1;
const GAP = 2;
const FIRST_CAPACITY = 2048;

/** One session's stream, kept in arrival order for a dissection that may never be needed. */
export class DeferredDissection implements TwoWayReceiver<number> {
  /** The data of the entries not in the input file, back to back. */
  private bytes: Buffer | null = null;
  private used = 0;
  /** Stream bytes kept (copied or not). */
  private streamed = 0;
  /** Memory the budget granted (a last call it refused is kept uncharged until the replay that follows). */
  private charged = 0;
  /** Flat: ENTRY_SIZE numbers per data or gap call (one array, not an object per segment). */
  private readonly entries: number[] = [];
  /** How the session ended, and the moment it did (capture time, marks then). */
  private endReason: EndReason | null = null;
  private endAt = 0;
  private endMarks = 0;
  readonly clientReceiver: StreamReceiver = new DirectionReceiver(this, CLIENT_DATA);
  readonly serverReceiver: StreamReceiver = new DirectionReceiver(this, SERVER_DATA);

  constructor(
    private readonly session: TcpSession,
    private readonly host: DeferralHost,
  ) {}

  data(kind: number, buf: Buffer, offset: number, length: number): void {
    const position = this.host.inputPosition(buf, offset);
    const held = ENTRY_COST + (position < 0 ? length : 0);
    const fits = this.host.deferral.take(this.streamed, length, held);
    if (fits) this.charged += held;
    if (position < 0) this.keep(buf, offset, length);
    this.streamed += length;
    this.note(kind, length, position);
    if (!fits) this.host.dissectNow(this.session);
  }

  gap(kind: number, length: number): void {
    const fits = this.host.deferral.take(this.streamed, 0, ENTRY_COST);
    if (fits) this.charged += ENTRY_COST;
    this.note(kind + GAP, length, -1);
    if (!fits) this.host.dissectNow(this.session);
  }

  /** The session ended: kept until it is known whether it is reported. */
  end(reason: EndReason): void {
    this.endReason = reason;
    this.endAt = this.host.now();
    this.endMarks = this.session.marks.length;
  }

  /** Tells `moment` when the kept stream began (the first payload, when the dissector would have been bound). */
  replayStart(moment: ReplayMoment): void {
    const { entries } = this;
    if (entries.length > 0) moment.replayAt(entries[2]!, entries[3]!, entries[4]!);
    else moment.replayAt(this.host.now(), this.session.segments, this.session.marks.length);
  }

  /**
   * Feeds everything kept to `binding`, each call at its original moment (told to `moment`),
   * then lets the bytes go. `end` reaches the binding too when the session has ended.
   */
  replayInto(binding: DissectorBinding, moment: ReplayMoment): void {
    const { entries } = this;
    const receivers = [binding.clientReceiver, binding.serverReceiver];
    let offset = 0;
    for (let i = 0; i < entries.length; i += ENTRY_SIZE) {
      const kind = entries[i]!;
      const length = entries[i + 1]!;
      const position = entries[i + 5]!;
      moment.replayAt(entries[i + 2]!, entries[i + 3]!, entries[i + 4]!);
      if (kind >= GAP) receivers[kind - GAP]!.gap(length);
      else if (position < 0) {
        receivers[kind]!.data(this.bytes!, offset, length);
        offset += length;
      } else {
        const bytes = this.host.input?.bytes(position, length);
        // The file changed under the run: what cannot be read again is a gap.
        if (bytes) receivers[kind]!.data(bytes, 0, length);
        else receivers[kind]!.gap(length);
      }
    }
    if (this.endReason !== null) {
      moment.replayAt(this.endAt, this.session.segments, this.endMarks);
      binding.end(this.endReason);
    }
    this.release();
  }

  /** Lets the kept bytes go without dissecting them (the session was not reported). */
  release(): void {
    this.host.deferral.give(this.charged);
    this.bytes = null;
    this.used = this.streamed = this.charged = 0;
    this.entries.length = 0;
  }

  private keep(buf: Buffer, offset: number, length: number): void {
    let bytes = this.bytes;
    if (!bytes || bytes.length - this.used < length) {
      const needed = this.used + length;
      const grown = Buffer.allocUnsafe(Math.max(FIRST_CAPACITY, needed, Math.min(needed * 2, this.host.deferral.perSession)));
      if (bytes) bytes.copy(grown, 0, 0, this.used);
      this.bytes = bytes = grown;
    }
    buf.copy(bytes, this.used, offset, offset + length);
    this.used += length;
  }

  private note(kind: number, length: number, position: number): void {
    this.entries.push(kind, length, this.host.now(), this.session.segments, this.session.marks.length, position);
  }
}
