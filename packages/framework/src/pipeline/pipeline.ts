import { decodeLink } from '../decode/link.js';
import { DecodedPacket, DecodeStatus, IPPROTO_TCP } from '../decode/packet.js';
import { decodeTcp } from '../decode/tcp.js';
import { TcpHeader } from '../decode/tcp-header.js';
import type { Dissector, EndReason, Services } from '../dissect/api.js';
import type { RereadableInput } from '../dissect/deferred-dissection.js';
import { DissectorTable } from '../dissect/dispatcher.js';
import { IpDefragmenter, type DefragmenterLimits } from '../reassembly/ip-defragmenter.js';
import { transportKnownAfterReassembly } from '../decode/ipv6.js';
import { decapsulate, isTunnelProtocol } from '../decode/tunnel.js';
import { MemoryAccount, storedFrameCost } from '../memory/memory-account.js';
import { HeapPressure } from '../memory/heap-pressure.js';
import type { SessionObserver } from '../sessions/observer.js';
import { flowHash } from '../sessions/flow-table.js';
import { DEFAULT_LIMITS, SessionTracker, type TrackerLimits } from '../sessions/session-tracker.js';
import { SUSPECT_AHEAD, TimerClock } from '../sessions/timer-clock.js';
import type { TcpSession } from '../sessions/tcp-session.js';
import { copyFrame, frameTime, type Frame, type StoredFrame } from '../sources/frame.js';
import { CaptureClock, defaultServices } from './services.js';
import { shardSessionIds } from './shard-collector.js';
import { Statistics } from './statistics.js';
import { PluginFailures } from './plugin-failures.js';

export interface PipelineOptions {
  limits?: Partial<TrackerLimits>;
  fragments?: Partial<DefragmenterLimits>;
  /** Keep each session's original frames (pcap export). */
  keepFrames?: boolean;
  /** Keep dissector display lines (pretty output). */
  keepDisplay?: boolean;
  /**
   * Dissect a session only if it is reported, when no trigger reads its records or marks as
   * they happen (see `DeferredDissection`); the same output, less work. Off: every session is
   * dissected as it arrives (and its dissector marks are counted in the summary).
   */
  dissectOnDemand?: boolean;
  /** The input file, opened again to read deferred sessions' bytes from it rather than copy them. */
  input?: RereadableInput | null;
  dissectors?: readonly Dissector[];
  /** Called in order for every session event; put analyzers before triggers. */
  observers?: readonly SessionObserver[];
  services?: Services;
  /** The clock the services hand plugins; the pipeline sets it to each packet's time. */
  clock?: CaptureClock;
  /** Counters to fill (a new set when absent). */
  stats?: Statistics;
  /** Where plugin exceptions are counted and reported (one logging to the services' logger when absent). */
  failures?: PluginFailures;
  /** The account of what the run holds, with its limit (a default-sized one when absent). */
  memory?: MemoryAccount;
  /** Follow only the sessions of this share of the flows (one worker of several); all when absent. */
  shard?: Shard;
}

/**
 * One worker's share of the flows: those whose hash (the same both ways) leaves `index`
 * divided by `count`. The worker still reads and decodes every frame, so that its timers run
 * on every packet's time as one thread's would.
 */
export interface Shard {
  index: number;
  count: number;
}

/** Shedding stops at this share of the memory limit, so that it does not run on every packet. */
const SHED_TO = 0.9;
/** How often (in packets) expiry runs without TCP traffic, and memory is sampled. */
const HOUSEKEEPING_EVERY = 16384;

/**
 * The packet pipeline from a frame to finished sessions:
 * link decode -> IP decode -> IP fragment reassembly -> TCP decode -> session tracker.
 * Feed it frames in capture order with `frame`, then call `finish` once.
 * Malformed frames are counted per layer in `stats` and skipped; nothing here throws on
 * bad traffic.
 */
export class Pipeline {
  readonly stats: Statistics;
  readonly tracker: SessionTracker;
  /** What the run holds for the traffic, by kind; stages and sinks charge it. */
  readonly memory: MemoryAccount;
  private readonly packet = new DecodedPacket();
  private readonly tcp = new TcpHeader();
  private readonly defragmenter: IpDefragmenter<StoredFrame | null>;
  private readonly keepFrames: boolean;
  private readonly heapPressure: HeapPressure;
  /** The latest capture time, a lone outlier aside: what timers run on. */
  private readonly timers: TimerClock;
  private readonly shard: Shard | null;

  constructor(options: PipelineOptions, onFinished: (session: TcpSession) => void) {
    this.stats = options.stats ?? new Statistics();
    this.keepFrames = options.keepFrames ?? false;
    this.shard = options.shard ?? null;
    this.memory = options.memory ?? new MemoryAccount();
    this.stats.memory = this.memory;
    this.heapPressure = new HeapPressure(this.memory.limit);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.defragmenter = new IpDefragmenter(options.fragments ?? {}, this.stats, this.memory, (f) => (f ? storedFrameCost(f.data.length) : 0));
    const clock = options.clock ?? new CaptureClock();
    const services = options.services ?? defaultServices(clock);
    this.timers = new TimerClock(Math.max(limits.idleTimeout, SUSPECT_AHEAD), this.stats);
    this.tracker = new SessionTracker(
      { limits, keepFrames: this.keepFrames, keepDisplay: options.keepDisplay ?? false, dissectOnDemand: options.dissectOnDemand ?? false, input: options.input ?? null, firstId: this.shard ? shardSessionIds() : 1 },
      this.stats,
      new DissectorTable(options.dissectors ?? []),
      options.observers ?? [],
      services,
      clock,
      this.timers,
      onFinished,
      this.memory,
      options.failures ?? new PluginFailures(this.stats, services.logger),
    );
  }

  /** One frame. Bound, so it can be handed to a source as its frame handler. */
  readonly frame = (frame: Frame): void => {
    const stats = this.stats;
    stats.packets++;
    stats.bytes += frame.caplen;
    if (this.memory.over) this.shed();
    const time = frameTime(frame);
    this.timers.advance(time);
    if ((stats.packets & (HOUSEKEEPING_EVERY - 1)) === 0) this.housekeeping();
    const pkt = this.packet;
    const status = decodeLink(frame, pkt);
    if (status !== DecodeStatus.Ok) {
      this.countDecodeFailure(status);
      return;
    }
    if (pkt.protocol !== IPPROTO_TCP && !transportKnownAfterReassembly(pkt) && !(pkt.isFragment && isTunnelProtocol(pkt.protocol))) {
      stats.nonTcp++;
      return;
    }
    let fragmentFrames: StoredFrame[] | null = null;
    let fragmentConflict = false;
    if (pkt.isFragment) {
      if (!this.defragmenter.add(pkt, time, this.keepFrames ? copyFrame(frame) : null)) return;
      fragmentFrames = this.keepFrames ? (this.defragmenter.takeAttachments().filter((f: StoredFrame | null) => f !== null) as StoredFrame[]) : [];
      fragmentConflict = this.defragmenter.completedWithConflict;
      // A tunnel opens once its outer datagram is whole (decodeLink left it closed).
      if (isTunnelProtocol(pkt.protocol)) {
        const status = decapsulate(pkt);
        if (status !== DecodeStatus.Ok) {
          this.countDecodeFailure(status);
          return;
        }
      }
      // An IPv6 fragment's transport shows only once it is reassembled (extension headers
      // first); a fragment inside the tunnel is not reassembled again.
      if (pkt.protocol !== IPPROTO_TCP || pkt.isFragment) {
        stats.nonTcp++;
        return;
      }
    }
    if (!decodeTcp(pkt.buf, pkt.l4Offset, pkt.l4Length, pkt.l4WireLength, this.tcp)) {
      stats.headerErrors.tcp++;
      return;
    }
    const shard = this.shard;
    if (shard !== null && flowHash(pkt, this.tcp) % shard.count !== shard.index) {
      this.tracker.passing(time);
      return;
    }
    this.tracker.segment(pkt, this.tcp, frame, time, fragmentFrames, fragmentConflict);
  };

  /** End of input: every session still open is finished and handed on. */
  finish(reason: EndReason = 'eof'): void {
    this.tracker.finishAll(reason);
    const budget = this.tracker.table.budget;
    this.stats.outOfOrderGivenUp = budget.givenUpBytes;
    this.stats.streamLimitHits = budget.streamLimitHits;
    this.sampleMemory();
  }

  /** Finishes idle and closed sessions as of `now` (live capture calls it on a timer). */
  expire(now: number): void {
    this.timers.reach(now);
    this.housekeeping();
  }

  private housekeeping(): void {
    this.tracker.expire(this.timers.now);
    this.defragmenter.expire(this.timers.now);
    this.sampleMemory();
    this.heapPressure.check();
  }

  /** The process's peak RSS, sampled in one-thread runs (a split run samples it once, at its end: it is a peak, and costs a worker ~1 ms). */
  private sampleMemory(): void {
    if (!this.shard) this.stats.sampleMemory();
  }

  /**
   * Over the memory limit: gives things up, in this order, until the account is at 90% of its
   * limit: tombstones (finished sessions kept for late packets), incomplete IP datagrams (oldest
   * first), then live sessions, idlest first (each is finished as `evicted` and reported as
   * usual; its out-of-order data, records and frames go with it).
   */
  private shed(): void {
    const target = this.memory.limit * SHED_TO;
    const over = () => this.memory.used > target;
    this.tracker.forgetTombstones(over);
    while (over() && this.defragmenter.shedOldest());
    this.tracker.evictIdlest(over);
  }

  private countDecodeFailure(status: DecodeStatus): void {
    const stats = this.stats;
    if (status === DecodeStatus.UnsupportedLink) stats.unsupportedLinkType++;
    else if (status === DecodeStatus.NotIp) stats.nonTcp++;
    else if (status === DecodeStatus.LinkError) stats.headerErrors.link++;
    else stats.headerErrors.ip++;
  }
}
