import { u32be } from '../../decode/bytes.js';
import { isTimestampOnly, timestampOnlyOptions } from '../../decode/tcp.js';
import { TcpFlag } from '../../decode/tcp-header.js';
import type { SessionObserver } from '../../sessions/observer.js';
import { SegmentMark, type SegmentEvent, type TcpState } from '../../sessions/segment-event.js';
import type { TcpSession } from '../../sessions/tcp-session.js';
import { MemoryKind, type MemoryAccount } from '../../memory/memory-account.js';

/** What the pretty printer keeps of one segment. */
export interface SegmentLine {
  number: number;
  time: number;
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  /** Payload bytes on the wire. */
  length: number;
  /** The window field as sent (not scaled). */
  window: number;
  /** Raw TCP option bytes (a copy; usually a few bytes, none on most segments). */
  options: Buffer | null;
  marks: number;
  clientState: TcpState;
  serverState: TcpState;
  /** Worth showing by itself: SYN, a state change, an anomaly (dissector lines are added later). */
  notable: boolean;
}

/** Marks that make a segment worth showing. */
const ANOMALIES =
  SegmentMark.Retransmission |
  SegmentMark.OutOfOrder |
  SegmentMark.SynRetransmission |
  SegmentMark.Reset |
  SegmentMark.Fragmented |
  SegmentMark.LongDelay |
  SegmentMark.BadFlags |
  SegmentMark.ZeroWindow |
  SegmentMark.PreviousSegmentLost;

/** The store keeps a state as its code (4 bits); the type makes the table complete. */
const STATE_CODES: Record<TcpState, number> = {
  CLOSED: 0,
  LISTEN: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  ESTABLISHED: 4,
  FIN_WAIT1: 5,
  FIN_WAIT2: 6,
  CLOSE_WAIT: 7,
  CLOSING: 8,
  LAST_ACK: 9,
  TIME_WAIT: 10,
  UNKNOWN: 11,
};
const STATE_NAMES: TcpState[] = [];
for (const [name, code] of Object.entries(STATE_CODES)) STATE_NAMES[code] = name as TcpState;

/**
 * A segment's words in `SegmentStore.words`. Options are bytes in the store's pool
 * (`OptionsAt`, `OptionsLength`), except Linux's usual NOP, NOP, timestamp: then
 * `OptionsLength` is TIMESTAMP_ONLY and the two timestamp values are `OptionsAt` and `TsEcr`.
 */
const Word = { Number: 0, Seq: 1, Ack: 2, Length: 3, Marks: 4, Packed: 5, OptionsAt: 6, OptionsLength: 7, TsEcr: 8, Window: 9 } as const;
const WORDS_PER_SEGMENT = 10;
/** Not a length (options are at most 40 bytes): the options were NOP, NOP, timestamp. */
const TIMESTAMP_ONLY = 0xffff;

/** Bits of `Word.Packed`: the TCP flags in the low byte, then these. */
const FLAGS_MASK = 0xff;
const FROM_CLIENT = 1 << 8;
const NOTABLE = 1 << 9;
const CLIENT_STATE_SHIFT = 10;
const SERVER_STATE_SHIFT = 14;
const STATE_MASK = 0xf;

const INITIAL_SEGMENTS = 16;
/**
 * Stores up to this size are reused (most sessions are far smaller); with SPARE_STORES they
 * bound what is kept after a peak of open sessions to about 20 MB.
 */
const REUSABLE_SEGMENTS = 256;
/** Stores kept for reuse, about the number of sessions open at once. */
const SPARE_STORES = 1024;
/** A store's objects besides its arrays' bytes: the store and three typed arrays with their buffers. */
const STORE_OVERHEAD = 600;
/** A TCP header holds at most 40 option bytes. */
const MAX_OPTION_BYTES = 40;
/** The pool holds options other than NOP, NOP, timestamp: mostly the handshake's 20 bytes each way. */
const INITIAL_OPTION_BYTES = 64;

/**
 * One session's segments, column by column, in typed arrays grown by doubling: no object
 * per segment, since most sessions are never printed.
 */
class SegmentStore {
  count = 0;
  private times = new Float64Array(INITIAL_SEGMENTS);
  private words = new Uint32Array(INITIAL_SEGMENTS * WORDS_PER_SEGMENT);
  private optionPool = new Uint8Array(INITIAL_OPTION_BYTES);
  private optionBytes = 0;
  /** Both state codes of the last segment, as packed (-1 before the first), to see changes. */
  private lastStates = -1;
  /** The states `states` holds the packed codes of. */
  private clientState: TcpState | null = null;
  private serverState: TcpState | null = null;
  private states = 0;

  /** What the store holds: its arrays, and their objects (kept up to date as they grow). */
  bytes = this.arrayBytes();

  /** Small enough to keep for another session. */
  get reusable(): boolean {
    return this.times.length <= REUSABLE_SEGMENTS && this.optionPool.length <= REUSABLE_SEGMENTS * MAX_OPTION_BYTES;
  }

  /** Empty again, keeping the arrays. */
  clear(): this {
    this.count = 0;
    this.optionBytes = 0;
    this.lastStates = -1;
    this.clientState = this.serverState = null;
    return this;
  }

  add(event: SegmentEvent): void {
    if (this.count === this.times.length) {
      this.times = grown(this.times, this.count + 1);
      this.words = grown(this.words, (this.count + 1) * WORDS_PER_SEGMENT);
      this.bytes = this.arrayBytes();
    }
    const tcp = event.tcp;
    // States seldom change: look the codes up only when they do (a keyed lookup per segment showed).
    if (event.clientState !== this.clientState || event.serverState !== this.serverState) {
      this.clientState = event.clientState;
      this.serverState = event.serverState;
      this.states = (STATE_CODES[event.clientState] << CLIENT_STATE_SHIFT) | (STATE_CODES[event.serverState] << SERVER_STATE_SHIFT);
    }
    const states = this.states;
    const notable = states !== this.lastStates || (tcp.flags & TcpFlag.SYN) !== 0 || (event.marks & ANOMALIES) !== 0;
    this.lastStates = states;
    const at = this.count * WORDS_PER_SEGMENT;
    const words = this.words;
    words[at + Word.Number] = event.number;
    words[at + Word.Seq] = tcp.seq;
    words[at + Word.Ack] = tcp.ack;
    words[at + Word.Length] = tcp.payloadWireLength;
    words[at + Word.Marks] = event.marks;
    words[at + Word.Window] = tcp.window;
    words[at + Word.Packed] = tcp.flags | states | (event.dir === 'client' ? FROM_CLIENT : 0) | (notable ? NOTABLE : 0);
    if (isTimestampOnly(event.buf, tcp.optionsOffset, tcp.optionsLength)) {
      // Two words instead of twelve bytes into the pool.
      words[at + Word.OptionsLength] = TIMESTAMP_ONLY;
      words[at + Word.OptionsAt] = u32be(event.buf, tcp.optionsOffset + 4);
      words[at + Word.TsEcr] = u32be(event.buf, tcp.optionsOffset + 8);
    } else {
      words[at + Word.OptionsAt] = this.optionBytes;
      words[at + Word.OptionsLength] = tcp.optionsLength;
      this.keepOptions(event.buf, tcp.optionsOffset, tcp.optionsLength);
    }
    this.times[this.count++] = event.time;
  }

  /** The session's roles were swapped: each kept segment's direction and the two states change places. */
  swapRoles(): void {
    const words = this.words;
    for (let at = Word.Packed; at < this.count * WORDS_PER_SEGMENT; at += WORDS_PER_SEGMENT) words[at] = swappedStates(words[at]!) ^ FROM_CLIENT;
    if (this.lastStates >= 0) this.lastStates = swappedStates(this.lastStates);
    this.clientState = this.serverState = null;
  }

  line(index: number): SegmentLine {
    const at = index * WORDS_PER_SEGMENT;
    const words = this.words;
    const packed = words[at + Word.Packed]!;
    return {
      number: words[at + Word.Number]!,
      time: this.times[index]!,
      fromClient: (packed & FROM_CLIENT) !== 0,
      flags: packed & FLAGS_MASK,
      seq: words[at + Word.Seq]!,
      ack: words[at + Word.Ack]!,
      length: words[at + Word.Length]!,
      window: words[at + Word.Window]!,
      options: this.options(at),
      marks: words[at + Word.Marks]!,
      clientState: STATE_NAMES[(packed >>> CLIENT_STATE_SHIFT) & STATE_MASK]!,
      serverState: STATE_NAMES[(packed >>> SERVER_STATE_SHIFT) & STATE_MASK]!,
      notable: (packed & NOTABLE) !== 0,
    };
  }

  private arrayBytes(): number {
    return this.times.byteLength + this.words.byteLength + this.optionPool.byteLength + STORE_OVERHEAD;
  }

  private keepOptions(buf: Buffer, offset: number, length: number): void {
    if (length === 0) return;
    const start = this.optionBytes;
    if (start + length > this.optionPool.length) {
      this.optionPool = grown(this.optionPool, start + length);
      this.bytes = this.arrayBytes();
    }
    // A byte loop: at most MAX_OPTION_BYTES, and no subarray object per segment.
    const pool = this.optionPool;
    for (let i = 0; i < length; i++) pool[start + i] = buf[offset + i]!;
    this.optionBytes = start + length;
  }

  private options(at: number): Buffer | null {
    const words = this.words;
    const start = words[at + Word.OptionsAt]!;
    const length = words[at + Word.OptionsLength]!;
    if (length === TIMESTAMP_ONLY) return timestampOnlyOptions(start, words[at + Word.TsEcr]!);
    return length > 0 ? Buffer.from(this.optionPool.subarray(start, start + length)) : null;
  }
}

/** Packed bits with the client's and the server's state codes exchanged. */
function swappedStates(packed: number): number {
  const client = (packed >>> CLIENT_STATE_SHIFT) & STATE_MASK;
  const server = (packed >>> SERVER_STATE_SHIFT) & STATE_MASK;
  const others = packed & ~((STATE_MASK << CLIENT_STATE_SHIFT) | (STATE_MASK << SERVER_STATE_SHIFT));
  return others | (server << CLIENT_STATE_SHIFT) | (client << SERVER_STATE_SHIFT);
}

/** A copy of `array`, doubled in size until it holds `needed` elements. */
function grown<A extends Float64Array | Uint32Array | Uint8Array>(array: A, needed: number): A {
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const bigger = new (array.constructor as new (length: number) => A)(size);
  bigger.set(array);
  return bigger;
}

/**
 * Keeps each segment of a session for the pretty printer, up to `limit` per session (the
 * rest are counted as dropped). Register it after the TCP analyzer and the triggers, so the
 * marks and states are final.
 */
export class SegmentRecorder implements SessionObserver {
  private slot = 0;
  /**
   * Typed arrays are slow to create, so stores are reused: a store goes back to `spare` once
   * its session's finish (and printing) is over, that is at the next `open`.
   */
  private readonly spare: SegmentStore[] = [];
  private readonly closed: SegmentStore[] = [];

  constructor(
    private readonly limit: number,
    private readonly onDropped: () => void = () => {},
    /** Charged with every store while its session is open or waiting to be printed. */
    private readonly memory: MemoryAccount | null = null,
  ) {}

  attach(slot: number): void {
    this.slot = slot;
  }

  open(session: TcpSession): void {
    for (let store = this.closed.pop(); store; store = this.closed.pop()) {
      if (store.reusable && this.spare.length < SPARE_STORES) this.spare.push(store.clear());
    }
    const store = this.spare.pop() ?? new SegmentStore();
    this.memory?.charge(MemoryKind.Records, store.bytes);
    session.observerState[this.slot] = store;
  }

  close(session: TcpSession): void {
    const store = session.observerState[this.slot] as SegmentStore | undefined;
    if (!store) return;
    this.memory?.release(MemoryKind.Records, store.bytes);
    this.closed.push(store);
  }

  segment(session: TcpSession, event: SegmentEvent): void {
    const store = session.observerState[this.slot] as SegmentStore | undefined;
    if (!store) return;
    if (store.count >= this.limit) {
      this.onDropped();
      return;
    }
    const before = store.bytes;
    store.add(event);
    if (this.memory && store.bytes !== before) this.memory.charge(MemoryKind.Records, store.bytes - before);
  }

  swapped(session: TcpSession): void {
    (session.observerState[this.slot] as SegmentStore | undefined)?.swapRoles();
  }

  /** The session's segment lines, built on demand (empty when the recorder was not attached to it). */
  lines(session: TcpSession): SegmentLine[] {
    const store = session.observerState[this.slot] as SegmentStore | undefined;
    if (!store) return [];
    return Array.from({ length: store.count }, (_, i) => store.line(i));
  }
}
