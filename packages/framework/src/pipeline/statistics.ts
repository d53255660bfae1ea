import type { MemoryAccount } from '../memory/memory-account.js';
import type { LibpcapCounters } from '../sources/live-capture.js';

/** Run-wide counters: what the summary record and the pretty summary print. */
export class Statistics {
  packets = 0;
  /** Bytes of the captured frames (caplen), summed. */
  bytes = 0;
  sessions = 0;
  reported = 0;
  byTrigger: Record<string, number> = {};
  evictedSessions = 0;
  /** Of the evicted sessions, those evicted as half-open (only SYNs seen) beyond `limits.halfOpen`. */
  halfOpenEvicted = 0;
  droppedSegments = 0;
  headerErrors = { link: 0, ip: 0, tcp: 0 };
  unsupportedLinkType = 0;
  /** Frames that were not IP (ARP, LLDP, ...) or IP that was not TCP. */
  nonTcp = 0;
  fragments = 0;
  fragmentsReassembled = 0;
  fragmentOverlaps = 0;
  fragmentTimeouts = 0;
  /** TCP segments whose bytes differed from held bytes of the same range (the first copy is kept). */
  overlapConflicts = 0;
  /** Out-of-order bytes given up (delivered as gaps) because of a stream's limits or the memory limit. */
  outOfOrderGivenUp = 0;
  /** Segments that found their stream at its out-of-order limits. */
  streamLimitHits = 0;
  /** Datagrams in reassembly evicted, oldest first, to stay within the fragment byte/datagram bounds. */
  fragmentEvictions = 0;
  /** Datagrams dropped for taking `fragmentsPerDatagram` fragments without completing. */
  fragmentsPerDatagramDrops = 0;
  /** Packets whose time was far ahead of the others and not confirmed by the next packet (see TimerClock). */
  timestampOutliers = 0;
  /** libpcap's counters at the end of a live capture (null when reading files). */
  libpcap: LibpcapCounters | null = null;
  /** Exceptions thrown by plugins (dissectors and triggers), by plugin name. */
  pluginErrors: Record<string, number> = {};
  /**
   * Sessions a dissector could have read but that were never dissected: their dissection
   * waited for a report that did not come (see `DeferredDissection`).
   */
  notDissected = 0;
  /** Finished sessions (reported or not) that carry at least one mark. */
  markedSessions = 0;
  /** Finished sessions (reported or not) carrying each mark, by `markKey`, in order of first sight. */
  marks: Record<string, number> = {};
  peakRss = 0;
  /** The run's memory account (its peak and what was shed to stay under its limit). */
  memory: MemoryAccount | null = null;
  startedAt = Date.now();

  /**
   * Counts a finished session's marks, each key once per session: called once per session,
   * not per segment, so marking costs the hot path nothing.
   */
  countMarks(marks: readonly string[]): void {
    if (marks.length === 0) return;
    this.markedSessions++;
    for (let i = 0; i < marks.length; i++) {
      const key = markKey(marks[i]!);
      const firstWithKey = marks.findIndex((m) => markKey(m) === key);
      if (firstWithKey === i) this.marks[key] = (this.marks[key] ?? 0) + 1;
    }
  }

  /** Peak resident set size so far (the kernel keeps the maximum for us). */
  sampleMemory(): void {
    const rss = process.resourceUsage().maxRSS * 1024;
    if (rss > this.peakRss) this.peakRss = rss;
  }
}

const FAILURE_MARK = /^((?:dissector|trigger)-error: [^:]+):/;

/**
 * The name a mark is counted under: the mark itself, except that a plugin failure
 * (`dissector-error: NAME: message`) counts under `dissector-error: NAME`, so that messages
 * quoting the traffic do not make a key each.
 */
export function markKey(mark: string): string {
  return FAILURE_MARK.exec(mark)?.[1] ?? mark;
}
