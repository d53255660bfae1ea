import { describePath } from '../decode/encapsulation.js';
import { decodeLink } from '../decode/link.js';
import { DecodedPacket } from '../decode/packet.js';
import { decodeTcp } from '../decode/tcp.js';
import { TcpFlag, TcpHeader } from '../decode/tcp-header.js';
import type { DisplayLine, EndReason, Services } from '../dissect/api.js';
import type { DispatchHost, DissectorBinding, DissectorTable } from '../dissect/dispatcher.js';
import { DeferralBudget, DeferredDissection, type DeferralHost, type ReplayMoment, type RereadableInput } from '../dissect/deferred-dissection.js';
import type { CaptureClock } from '../pipeline/services.js';
import type { Statistics } from '../pipeline/statistics.js';
import { BufferBudget, DEFAULT_STREAM_LIMITS, SegmentClass } from '../reassembly/tcp-stream.js';
import { copyFrame, newFrame, type Frame, type StoredFrame } from '../sources/frame.js';
import { FlowTable } from './flow-table.js';
import { MemoryKind, RECORD_COST, SESSION_COST, SYN_ENTRY_COST, TOMBSTONE_COST, displayLineCost, storedFrameCost, type MemoryAccount } from '../memory/memory-account.js';
import { SessionQueue } from './session-queue.js';
import type { TimerClock } from './timer-clock.js';
import { SynEntry, Tombstone, type FlowEntry, type OpenEntry } from './flow-entry.js';
import type { PluginFailures } from '../pipeline/plugin-failures.js';
import type { SessionObserver } from './observer.js';
import { SegmentEvent, SegmentMark } from './segment-event.js';
import type { TcpSession } from './tcp-session.js';

export interface TrackerLimits {
  /** Live sessions held at once; beyond it the idlest is evicted. */
  sessions: number;
  /**
   * Half-open sessions (only the client's SYNs seen so far) held at once; beyond it the
   * oldest is evicted, so that a SYN flood cannot push established sessions out.
   */
  halfOpen: number;
  /** Out-of-order bytes held per TCP direction (payload and per-segment overhead). */
  bufferedBytes: number;
  /** Seconds without a packet after which a session ends as `timeout`. */
  idleTimeout: number;
  /** Seconds a closed session waits for late segments (FIN retransmissions) before it is finished. */
  closeLinger: number;
  /** Frames kept per session for export; beyond it frames are dropped and counted. */
  segmentsPerSession: number;
  /** Seconds a finished session stays findable, to absorb its late packets. */
  tombstone: number;
}

export const DEFAULT_LIMITS: TrackerLimits = {
  sessions: 100_000,
  halfOpen: 10_000,
  bufferedBytes: DEFAULT_STREAM_LIMITS.bytes,
  idleTimeout: 120,
  closeLinger: 2,
  segmentsPerSession: 100_000,
  tombstone: 10,
};

/** A session in which a retransmission's bytes differed from the first copy (which was kept). */
export const OVERLAP_CONFLICT_MARK = 'tcp.overlap-conflict';
/** A session carried in an IP datagram whose fragments overlapped with different bytes. */
export const FRAGMENT_CONFLICT_MARK = 'ip.overlap-conflict';

/**
 * Where in the handling of a frame a session finished, in the order of the steps: with the
 * frame's index and the session's place in its queue, the order in which one thread finishes
 * sessions (what workers' results are merged by; see `ShardCollector`).
 */
export const enum FinishStage {
  /** Evicted to stay within the memory limit, before the frame. */
  Shed,
  /** Idle timeout found by the periodic housekeeping, then closed sessions past their linger. */
  HousekeepingIdle,
  HousekeepingClosing,
  /** The same, found by a TCP segment (of any session). */
  SegmentIdle,
  SegmentClosing,
  /** By the segment's own doing: a new connection on the tuple, or an eviction it forced. */
  Segment,
  /** At the end of the input. */
  End,
}

export interface TrackerOptions {
  limits: TrackerLimits;
  /** Keep each session's original frames (for pcap export). */
  keepFrames: boolean;
  /** Keep dissector display lines (for the pretty printer). */
  keepDisplay: boolean;
  /**
   * Dissect a session only when it is reported, if no observer needs its records as they happen
   * (see `DeferredDissection`); false: dissect every session as it arrives.
   */
  dissectOnDemand: boolean;
  /** The input file, read again for deferred sessions' bytes (null: they are copied). */
  input: RereadableInput | null;
  /** The first session's id (1; a worker's stand-ins, see `shardSessionIds`). */
  firstId?: number;
}

/**
 * Follows every TCP session: finds or creates it in the flow table, feeds the segment to
 * the direction's stream reassembler, tells observers, and finishes sessions on close,
 * idle timeout, eviction or end of input. `onFinished` receives each session once.
 */
export class SessionTracker implements DispatchHost, DeferralHost, ReplayMoment {
  readonly table: FlowTable;
  /** What sessions whose dissection waits hold, together. */
  readonly deferral: DeferralBudget;
  /**
   * While a deferred stream is replayed: the segment its calls belong to (0 otherwise), how many
   * marks the session had when the current call was made, and how many the replay has added.
   */
  private replaySegment = 0;
  private replayMarksBefore = 0;
  private replayMarksAdded = 0;
  /** The frame being processed (null between frames), and where its buffer's first byte is in the input file (-1: not in one). */
  private frameData: Buffer | null = null;
  private frameDataAt = -1;
  private readonly event = new SegmentEvent();
  /** Closed sessions waiting out their linger, in the order they closed. */
  private readonly closing = new SessionQueue<TcpSession>();
  /**
   * Sessions that have seen only the client's SYNs, oldest first: the kernel's SYN backlog
   * idea. A flood of SYNs from random sources churns through this queue alone.
   */
  private readonly halfOpen = new SessionQueue<OpenEntry>();
  /** The capture clock's time while a SYN entry's SYN is replayed at its own (NaN otherwise). */
  private clockOutsideReplay = NaN;
  /** Where a SYN entry's SYN is decoded again when it becomes a session. */
  private readonly replayFrame = newFrame();
  private readonly replayPacket = new DecodedPacket();
  private readonly replayTcp = new TcpHeader();
  /** What finished sessions left in the table, in the order they finished. */
  private readonly tombstones = new SessionQueue<Tombstone>();
  calling: DissectorBinding | null = null;
  /** The step a session finishing now finishes in. */
  finishStage = FinishStage.SegmentIdle;
  /** Told each flow's first frame as the flow is created, in creation order (ids follow it). */
  onCreated: ((firstFrame: number) => void) | null = null;
  /**
   * The session the packet far ahead that the timer clock holds as a suspect belonged to, with
   * its times before: put back if that packet turns out an outlier.
   */
  private suspectSession: TcpSession | null = null;
  private suspectTime = 0;
  private timeBeforeSuspect = 0;

  constructor(
    private readonly options: TrackerOptions,
    private readonly stats: Statistics,
    private readonly dissectors: DissectorTable,
    private readonly observers: readonly SessionObserver[],
    readonly services: Services,
    private readonly clock: CaptureClock,
    /** What timers run on (the pipeline advances it with every frame). */
    private readonly timers: TimerClock,
    private readonly onFinished: (session: TcpSession) => void,
    private readonly memory: MemoryAccount,
    private readonly failures: PluginFailures,
  ) {
    this.table = new FlowTable(new BufferBudget(memory, { ...DEFAULT_STREAM_LIMITS, bytes: options.limits.bufferedBytes }), options.firstId);
    this.deferral = new DeferralBudget(memory);
    observers.forEach((o, slot) => o.attach?.(slot));
  }

  now(): number {
    return this.clock.time;
  }

  get input(): RereadableInput | null {
    return this.options.input;
  }

  inputPosition(buf: Buffer, offset: number): number {
    return buf === this.frameData && this.frameDataAt >= 0 && this.options.input !== null ? this.frameDataAt + offset : -1;
  }

  /**
   * One TCP segment. `fragmentFrames`: the original frames when it was rebuilt from fragments;
   * `fragmentConflict`: its fragments overlapped with different bytes (the first were kept).
   */
  segment(pkt: DecodedPacket, tcp: TcpHeader, frame: Frame, time: number, fragmentFrames: StoredFrame[] | null, fragmentConflict = false): void {
    this.passing(time);
    this.finishStage = FinishStage.Segment;
    const found = this.table.find(pkt, tcp);
    let fromClient = this.table.fromClient;
    let session: TcpSession | null = null;
    if (found instanceof Tombstone) {
      if (!isClientSyn(tcp, fromClient)) {
        this.touch(found, frame.index); // a late segment of a finished session: absorbed
        return;
      }
      this.forget(found);
    } else if (found) {
      session = found instanceof SynEntry ? this.materialize(found) : (found as TcpSession);
      if (this.startsNewConnection(session, tcp, fromClient)) {
        this.retire(session, 'fin');
        session = null;
      }
    }
    if (!session) {
      if (this.mayHoldSyn(tcp, fragmentFrames, fragmentConflict, time)) return this.holdSyn(pkt, tcp, frame, time);
      session = this.open(pkt, tcp, frame, time);
      fromClient = this.table.fromClient;
      if (isClientSyn(tcp, fromClient)) this.holdHalfOpen(session);
    } else if (session.queue === this.halfOpen && !isClientSyn(tcp, fromClient)) {
      this.halfOpen.remove(session); // the handshake goes on
    }
    this.touch(session, frame.index);
    // The closing queue stays in idle order, so that its head is the first to expire.
    if (session.queue === this.closing) this.closing.push(session);
    session.packets++;
    if (session.frames) this.keepFrames(session, frame, fragmentFrames);
    const timeBefore = session.packets === 1 ? this.timers.now : session.lastTime;
    this.frameData = frame.data;
    this.frameDataAt = frame.fileOffset >= 0 ? frame.fileOffset - frame.offset : -1;
    this.apply(session, pkt, tcp, frame, time, fromClient, fragmentFrames !== null);
    this.frameData = null;
    if (fragmentConflict) this.mark(session, FRAGMENT_CONFLICT_MARK);
    session.lastTime = time;
    if (time === this.timers.suspect) this.holdSuspect(session, time, timeBefore);
  }

  /**
   * A TCP segment's time reaches the timers: sessions idle or closed long enough as of it are
   * finished. A segment of a session another worker follows comes here alone, so that every
   * worker finishes its sessions at the same moments as one thread would.
   */
  passing(time: number): void {
    this.clock.time = time;
    if (this.suspectSession && Number.isNaN(this.timers.suspect)) this.settleSuspect();
    this.expire(this.timers.now, FinishStage.SegmentIdle);
  }

  private touch(entry: FlowEntry, frameIndex: number): void {
    this.table.touch(entry);
    entry.touchedAt = this.timers.now;
    entry.touchedFrame = frameIndex;
  }

  private holdSuspect(session: TcpSession, time: number, timeBefore: number): void {
    this.suspectSession = session;
    this.suspectTime = time;
    this.timeBeforeSuspect = timeBefore;
    session.touchedAt = time; // if the clock jumps with it, the session is not idle across the jump
  }

  /**
   * The packet far ahead is settled: when the clock did not take its time it was an outlier,
   * and its session's times go back to what they were (its idle timeout, its duration).
   */
  private settleSuspect(): void {
    const session = this.suspectSession!;
    this.suspectSession = null;
    if (this.timers.now >= this.suspectTime || session.finished) return;
    // Still the last entry touched: the idle order stays the order of touchedAt.
    session.touchedAt = this.timers.now;
    if (session.lastTime === this.suspectTime) session.lastTime = this.timeBeforeSuspect;
    if (session.start === this.suspectTime) session.start = this.timeBeforeSuspect;
  }

  /**
   * Finishes sessions idle longer than the timeout, then closed ones past their linger, as of
   * the timer time `now`; `stage` says which step of a frame's handling this is.
   */
  expire(now: number, stage: FinishStage.HousekeepingIdle | FinishStage.SegmentIdle = FinishStage.HousekeepingIdle): void {
    const { idleTimeout, closeLinger } = this.options.limits;
    this.finishStage = stage;
    for (let s = this.table.idlest; s && now - s.touchedAt > idleTimeout; s = this.table.idlest) this.drop(s, 'timeout');
    this.finishStage = stage + 1;
    for (let s = this.closing.first; s; s = this.closing.first) {
      // Linger counts from the last segment: a connection that goes on after a RST is not over.
      if (s.closedAt >= 0 && now - s.touchedAt <= closeLinger) break;
      if (s.closedAt < 0) {
        this.closing.remove(s);
        continue;
      }
      // Queued until finished: if the watchdog cuts a plugin off, the next expiry finishes it.
      this.finish(s, s.state === 'reset' ? 'rst' : 'fin');
      this.entomb(s);
    }
    this.buryTombstones(now);
  }

  /** Forgets finished sessions whose late packets are no longer expected. */
  private buryTombstones(now: number): void {
    const { tombstone } = this.options.limits;
    for (let s = this.tombstones.first; s && now - s.buriedAt > tombstone; s = this.tombstones.first) this.forget(s);
  }

  /**
   * The watchdog cut off a plugin call (`why`: it ran too long, or Ctrl-C): isolates the
   * dissector or trigger that was running (marked, counted and reported like one that threw).
   */
  stopped(why: string): void {
    this.endReplay();
    const binding = this.calling;
    this.calling = null;
    // Observers first: a trigger hears records from inside a dissector's call.
    for (const o of this.observers) if (o.stopped?.(why)) return;
    binding?.stopped(why);
  }

  /** Forgets tombstones, oldest first, while `more()` says so (memory shedding). */
  forgetTombstones(more: () => boolean): void {
    for (let s = this.tombstones.first; s && more(); s = this.tombstones.first) this.forget(s);
  }

  /** Evicts live sessions, idlest first, while `more()` says so (memory shedding); each is counted. */
  evictIdlest(more: () => boolean): void {
    this.finishStage = FinishStage.Shed;
    for (let s = this.table.idlest; s && more(); s = this.table.idlest) {
      if (!(s instanceof Tombstone)) this.memory.countShed(MemoryKind.Sessions);
      this.drop(s, 'evicted');
    }
  }

  /** End of input: every session still open is finished as `open`. */
  finishAll(reason: EndReason): void {
    this.finishStage = FinishStage.End;
    for (const s of this.table.open()) this.retire(s, reason);
  }

  emitted(session: TcpSession, protocol: string, record: object): void {
    session.addRecord(protocol, record);
    this.memory.charge(MemoryKind.Records, RECORD_COST);
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.record?.(session, protocol, record);
  }

  mark(session: TcpSession, reason: string): void {
    if (this.replaySegment > 0) {
      // A replayed dissector's mark goes where it would have gone as the session arrived.
      if (session.addMark(reason, this.replayMarksBefore + this.replayMarksAdded)) this.replayMarksAdded++;
      return;
    }
    if (!session.addMark(reason)) return;
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.mark?.(session, reason);
  }

  swapRoles(session: TcpSession): boolean {
    if (!session.rolesSwappable) return false;
    session.swapRoles();
    for (const o of this.observers) o.swapped?.(session);
    return true;
  }

  dissectorFailed(dissector: string, error: unknown): string {
    return this.failures.report('dissector', dissector, error);
  }

  displayed(session: TcpSession, line: DisplayLine): void {
    if (!session.displayLines) return;
    this.memory.charge(MemoryKind.Records, displayLineCost(line.text));
    // A fixed-shape literal: a spread per line is a slow generic copy on this hot path.
    session.displayLines.push({ label: line.label, text: line.text, dir: line.dir, segment: this.replaySegment || session.segments });
  }

  private open(pkt: DecodedPacket, tcp: TcpHeader, frame: Frame, time: number): TcpSession {
    this.makeRoom();
    const session = this.table.create(pkt, tcp, this.senderIsClient(tcp));
    this.memory.charge(MemoryKind.Sessions, SESSION_COST);
    this.onCreated?.(frame.index);
    this.begin(session, frame, time);
    return session;
  }

  /** At the session limit, evicts the idlest entry (tombstones first: they only absorb late packets). */
  private makeRoom(): void {
    const { sessions } = this.options.limits;
    while (this.table.size >= sessions && this.table.idlest) this.drop(this.tombstones.first ?? this.table.idlest, 'evicted');
  }

  /**
   * Whether a new flow's packet may wait as a SYN entry: a client's SYN alone, no payload, whole
   * (not from fragments), its frames not kept for export, not a time far ahead (see TimerClock).
   */
  private mayHoldSyn(tcp: TcpHeader, fragmentFrames: StoredFrame[] | null, fragmentConflict: boolean, time: number): boolean {
    const flags = tcp.flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST | TcpFlag.FIN);
    return flags === TcpFlag.SYN && tcp.payloadWireLength === 0 && fragmentFrames === null && !fragmentConflict && !this.options.keepFrames && time !== this.timers.suspect;
  }

  /** A client's SYN on a new flow: held as a SYN entry (half-open) until a second packet or its end. */
  private holdSyn(pkt: DecodedPacket, tcp: TcpHeader, frame: Frame, time: number): void {
    this.makeRoom();
    // Its headers only: a SYN has no payload, and whatever trails its datagram (padding, or a
    // hostile megabyte) is not kept, so that SYN_ENTRY_COST is what an entry holds.
    const headers = pkt.buf === frame.data ? tcp.payloadOffset - frame.offset : frame.caplen;
    const entry = this.table.createSyn(pkt, tcp, copyFrame(frame, headers), time);
    this.memory.charge(MemoryKind.Sessions, SYN_ENTRY_COST);
    this.onCreated?.(frame.index);
    this.holdHalfOpen(entry);
    this.touch(entry, frame.index);
  }

  /**
   * The session a SYN entry stands for, made now in the entry's places (hash chain, idle and
   * creation orders, half-open queue) and given its SYN at the SYN's own time, as if it had
   * been made then: observers and triggers see the same calls, only later.
   */
  private materialize(entry: SynEntry): TcpSession {
    const frame = this.replayFrame;
    const syn = entry.syn;
    frame.data = syn.data;
    frame.caplen = syn.data.length;
    frame.wireLen = syn.wireLen;
    frame.tsSec = syn.tsSec;
    frame.tsNsec = syn.tsNsec;
    frame.linkType = syn.linkType;
    frame.index = syn.index;
    const pkt = this.replayPacket;
    const tcp = this.replayTcp;
    decodeLink(frame, pkt);
    decodeTcp(pkt.buf, pkt.l4Offset, pkt.l4Length, pkt.l4WireLength, tcp);
    const session = this.table.promote(entry, pkt.pathLength > 0 ? describePath(pkt) : null);
    this.memory.release(MemoryKind.Sessions, SYN_ENTRY_COST);
    this.memory.charge(MemoryKind.Sessions, SESSION_COST);
    if (entry.queue === this.halfOpen) this.halfOpen.replace(entry, session);
    session.touchedAt = entry.touchedAt;
    session.touchedFrame = entry.touchedFrame;
    this.clockOutsideReplay = this.clock.time;
    this.clock.time = entry.lastTime;
    this.begin(session, frame, entry.lastTime);
    session.packets++;
    this.apply(session, pkt, tcp, frame, entry.lastTime, true, false);
    session.lastTime = entry.lastTime;
    this.endReplay();
    return session;
  }

  /** The clock back to the time outside a SYN's replay (after it, or after a cut in it: no finally block runs then). */
  private endReplay(): void {
    if (Number.isNaN(this.clockOutsideReplay)) return;
    this.clock.time = this.clockOutsideReplay;
    this.clockOutsideReplay = NaN;
  }

  /** A new session's first state, and the observers told. */
  private begin(session: TcpSession, frame: Frame, time: number): void {
    // One slot per observer, sized up front (an array grown by assignment reserves 17).
    if (this.observers.length > 0) session.observerState = new Array(this.observers.length);
    session.start = time;
    session.lastTime = time;
    session.firstFrame = frame.index;
    if (this.options.keepFrames) session.frames = [];
    if (this.options.keepDisplay) session.displayLines = [];
    this.stats.sessions++;
    for (const o of this.observers) o.open?.(session);
  }

  /**
   * Whether a new session's first packet comes from its client: a SYN does, a SYN-ACK does
   * not. Without a handshake the server is guessed from the ports as Zeek and tshark
   * do: a port a dissector claims (Zeek's likely_server_ports), else a well-known port, else the
   * lower port (tshark tries the lower port first); same ports: the first sender is the client.
   * A dissector that sees the roles reversed swaps them (`SessionContext.swapRoles`).
   */
  private senderIsClient(tcp: TcpHeader): boolean {
    if ((tcp.flags & TcpFlag.SYN) !== 0) return (tcp.flags & TcpFlag.ACK) === 0;
    const src = this.serverRank(tcp.srcPort);
    const dst = this.serverRank(tcp.dstPort);
    if (src !== dst) return dst > src;
    return tcp.srcPort >= tcp.dstPort;
  }

  /** How likely a port is a server's: 2 a dissector claims it, 1 well-known (below 1024), 0 other. */
  private serverRank(port: number): number {
    if (this.dissectors.claimsPort(port)) return 2;
    return port < 1024 ? 1 : 0;
  }

  /** Queues a session opened by a SYN; beyond the limit, the oldest half-open one is evicted. */
  private holdHalfOpen(session: OpenEntry): void {
    this.halfOpen.push(session);
    const limit = this.options.limits.halfOpen;
    for (let s = this.halfOpen.first; s && this.halfOpen.size > limit; s = this.halfOpen.first) {
      this.stats.halfOpenEvicted++;
      this.retire(s, 'evicted');
    }
  }

  /**
   * Gives the session its dissector at its first payload segment: sessions that never carry
   * a byte (refused connects, scans, SYN floods) cost no dissector state.
   */
  private bindDissector(session: TcpSession): void {
    session.dissectorBound = true;
    if (this.options.dissectOnDemand && this.mayDefer(session)) {
      const deferred = new DeferredDissection(session, this);
      session.toServer.receiver = deferred.clientReceiver;
      session.toClient.receiver = deferred.serverReceiver;
      session.dissector = deferred;
      return;
    }
    const binding = this.dissectors.bind(session, this);
    if (!binding) return;
    session.toServer.receiver = binding.clientReceiver;
    session.toClient.receiver = binding.serverReceiver;
    session.dissector = binding;
  }

  /**
   * Whether the session's dissection can wait until it is reported: a dissector may apply, no
   * observer needs its records as they happen, no trigger fired yet, and a SYN fixed the roles
   * (a dissector that swaps them must do so before the observers see the session's segments).
   */
  private mayDefer(session: TcpSession): boolean {
    if (session.triggers.length > 0 || session.rolesSwappable || !this.dissectors.applies(session)) return false;
    for (const o of this.observers) if (o.needsDissection?.(session)) return false;
    return true;
  }

  /** Dissects a deferred session now (it was reported, or outgrew its bound), and as it arrives from then on. */
  dissectNow(session: TcpSession): void {
    const deferred = session.dissector as DeferredDissection;
    this.replay(session, deferred, (binding) => {
      session.toServer.receiver = binding.clientReceiver;
      session.toClient.receiver = binding.serverReceiver;
      session.dissector = binding;
    });
  }

  /**
   * Binds the session's dissector at the moment its first payload came (as it would have been
   * bound then), tells `bound`, and replays the kept stream into it.
   */
  private replay(session: TcpSession, deferred: DeferredDissection, bound: (binding: DissectorBinding) => void = () => {}): void {
    const time = this.clock.time;
    this.replayMarksAdded = 0;
    deferred.replayStart(this);
    const binding = this.dissectors.bind(session, this)!;
    bound(binding);
    deferred.replayInto(binding, this);
    this.replaySegment = 0;
    this.clock.time = time;
  }

  replayAt(at: number, segment: number, marks: number): void {
    this.clock.time = at;
    this.replaySegment = segment;
    this.replayMarksBefore = marks;
  }

  /** A SYN from the client on a tuple whose connection closed, or with a new ISN. */
  private startsNewConnection(session: TcpSession, tcp: TcpHeader, fromClient: boolean): boolean {
    if (!isClientSyn(tcp, fromClient)) return false;
    if (session.closedAt >= 0) return true;
    const stream = session.toServer;
    return stream.synSeen && stream.isn !== tcp.seq && (stream.bytes > 0 || stream.finSeen);
  }

  private keepFrames(session: TcpSession, frame: Frame, fragmentFrames: StoredFrame[] | null): void {
    const frames = session.frames!;
    if (frames.length >= this.options.limits.segmentsPerSession) {
      this.stats.droppedSegments++;
      return;
    }
    const stored = fragmentFrames ?? [copyFrame(frame)];
    for (const f of stored) {
      frames.push(f);
      this.memory.charge(MemoryKind.ExportFrames, storedFrameCost(f.data.length));
    }
  }

  private apply(
    session: TcpSession,
    pkt: DecodedPacket,
    tcp: TcpHeader,
    frame: Frame,
    time: number,
    fromClient: boolean,
    fragmented: boolean,
  ): void {
    const stream = fromClient ? session.toServer : session.toClient;
    const peer = fromClient ? session.toClient : session.toServer;
    const flags = tcp.flags;
    const missingBefore = stream.missingBytes;
    const event = this.event;
    event.number = ++session.segments;
    event.frameIndex = frame.index;
    event.sincePrevious = event.number === 1 ? 0 : time - session.lastTime;
    event.time = time;
    event.tcp = tcp;
    event.buf = pkt.buf;
    event.marks = 0;
    if (fragmented) {
      event.marks |= SegmentMark.Fragmented;
      session.fragmented = true;
    }
    if (tcp.payloadLength < tcp.payloadWireLength) event.marks |= SegmentMark.Truncated;
    const rst = (flags & TcpFlag.RST) !== 0;
    if (tcp.payloadWireLength > 0 && !session.dissectorBound) this.bindDissector(session);
    event.segmentClass = rst && tcp.payloadWireLength === 0
      ? SegmentClass.Empty
      : stream.segment(
          tcp.seq,
          (flags & TcpFlag.SYN) !== 0,
          (flags & TcpFlag.FIN) !== 0 && !rst,
          pkt.buf,
          tcp.payloadOffset,
          tcp.payloadLength,
          tcp.payloadWireLength,
        );
    if ((flags & TcpFlag.ACK) !== 0) peer.acknowledged(tcp.ack, stream.synSeen);
    // After the data went to the dissector, which may have swapped the roles (`swapRoles`).
    event.dir = stream === session.toServer ? 'client' : 'server';
    event.lostBefore = stream.missingBytes - missingBefore;
    if (event.lostBefore > 0) event.marks |= SegmentMark.PreviousSegmentLost;
    if (!rst && session.closedAt >= 0 && (tcp.payloadWireLength > 0 || flags & TcpFlag.SYN)) this.reopen(session);
    if (rst) this.onReset(session, event);
    else if (session.closedAt < 0 && session.toServer.finished && session.toClient.finished) this.onClosed(session, 'closed', time);
    // Indexed: an array iterator per segment is garbage on the hottest path.
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i]!.segment?.(session, event);
    if (session.triggers.length > 0 && session.dissector instanceof DeferredDissection) this.dissectNow(session);
  }

  private onReset(session: TcpSession, event: SegmentEvent): void {
    event.marks |= SegmentMark.Reset;
    if (session.closedAt >= 0 && session.state === 'reset') return;
    if (session.toServer.finSeen || session.toClient.finSeen) session.resetAfterFin = true;
    this.onClosed(session, 'reset', event.time);
  }

  /** New data after a RST (an injected or ignored reset): the connection is still open. */
  private reopen(session: TcpSession): void {
    if (session.state !== 'reset') return;
    session.state = 'open';
    session.closedAt = -1;
  }

  private onClosed(session: TcpSession, state: 'closed' | 'reset', time: number): void {
    const wasClosed = session.closedAt >= 0;
    session.state = state;
    session.closedAt = time;
    if (!wasClosed && !this.closing.has(session)) this.closing.push(session);
  }

  /** Finishes a session and takes it out of the table. */
  private retire(entry: OpenEntry, reason: EndReason): void {
    const session = entry instanceof SynEntry ? this.materialize(entry) : entry;
    if (!session.finished) this.finish(session, session.closedAt >= 0 ? (session.state === 'reset' ? 'rst' : 'fin') : reason);
    this.forget(session);
  }

  private releaseRecords(session: TcpSession): void {
    let bytes = 0;
    for (const protocol in session.records) bytes += session.records[protocol]!.length * RECORD_COST;
    for (const line of session.displayLines ?? []) bytes += displayLineCost(line.text);
    this.memory.release(MemoryKind.Records, bytes);
  }

  /** Retires a live session, or forgets a tombstone. */
  private drop(entry: FlowEntry, reason: EndReason): void {
    if (entry instanceof Tombstone) this.forget(entry);
    else this.retire(entry as OpenEntry, reason);
  }

  /** A finished session gives its place in the table to a light tombstone. */
  private entomb(session: TcpSession): void {
    session.queue?.remove(session);
    const tombstone = this.table.bury(session);
    tombstone.buriedAt = this.timers.now;
    this.memory.release(MemoryKind.Sessions, SESSION_COST);
    this.memory.charge(MemoryKind.Sessions, TOMBSTONE_COST);
    this.tombstones.push(tombstone);
  }

  /** Takes an entry out of the table (and out of the closing or tombstone queue). */
  private forget(entry: FlowEntry): void {
    entry.queue?.remove(entry);
    this.table.remove(entry);
    this.memory.release(MemoryKind.Sessions, entry instanceof Tombstone ? TOMBSTONE_COST : SESSION_COST);
  }

  /**
   * Finishes a session. The watchdog may cut a plugin's end() or close() off and the run then
   * finishes the session again: every step before the last plugin call is safe to repeat.
   */
  private finish(session: TcpSession, reason: EndReason): void {
    session.toServer.flush();
    session.toClient.flush();
    session.endReason = reason;
    if (session.closedAt < 0) session.state = reason === 'eof' ? 'open' : 'timeout';
    session.tcp.missingBytes = session.toServer.missingBytes + session.toClient.missingBytes;
    const conflicts = session.toServer.overlapConflicts + session.toClient.overlapConflicts;
    if (conflicts > 0 && !session.marks.includes(OVERLAP_CONFLICT_MARK)) {
      this.stats.overlapConflicts += conflicts;
      this.mark(session, OVERLAP_CONFLICT_MARK);
    }
    const dissector = session.dissector;
    session.dissector = null; // before end(): a repeat does not call it twice
    dissector?.end(reason);
    for (const o of this.observers) o.close?.(session);
    if (dissector instanceof DeferredDissection) this.settleDeferred(session, dissector);
    // After the plugin calls: a session whose finish was cut off stays open, and found again.
    session.finished = true;
    this.table.leaveAgeOrder(session);
    if (reason === 'evicted') this.stats.evictedSessions++;
    // The frames are handed on with the session: a sink that keeps them charges them itself.
    if (session.frames) for (const f of session.frames) this.memory.release(MemoryKind.ExportFrames, storedFrameCost(f.data.length));
    this.onFinished(session);
    // Plugins may still hold the session: let go of what is heavy.
    session.toServer.discard();
    session.toClient.discard();
    this.releaseRecords(session);
    session.frames = null;
    session.displayLines = null;
    session.records = {};
    session.observerState.length = 0;
  }

  /** A finished deferred session is dissected if it is reported; its kept stream is let go either way. */
  private settleDeferred(session: TcpSession, deferred: DeferredDissection): void {
    if (session.triggers.length === 0) {
      deferred.release();
      this.stats.notDissected++;
      return;
    }
    this.replay(session, deferred);
  }
}

/** A SYN (without ACK) from the client: a new connection on the tuple. */
function isClientSyn(tcp: TcpHeader, fromClient: boolean): boolean {
  return fromClient && (tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
}
