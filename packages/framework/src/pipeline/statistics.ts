import type { MemoryAccount } from '../memory/memory-account.js';

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
  /** Captures that libpcap reports as dropped (live only). */
  captureDrops: number | null = null;
  /** Exceptions thrown by plugins (dissectors and triggers), by plugin name. */
  pluginErrors: Record<string, number> = {};
  peakRss = 0;
  /** The run's memory account (its peak and what was shed to stay under its limit). */
  memory: MemoryAccount | null = null;
  startedAt = Date.now();

  /** Peak resident set size so far (the kernel keeps the maximum for us). */
  sampleMemory(): void {
    const rss = process.resourceUsage().maxRSS * 1024;
    if (rss > this.peakRss) this.peakRss = rss;
  }
}
