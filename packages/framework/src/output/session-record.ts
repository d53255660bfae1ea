import type { PathLayer } from '../decode/encapsulation.js';
import type { Endpoint } from '../dissect/api.js';
import type { Statistics } from '../pipeline/statistics.js';
import type { SessionState, TcpCounters, TcpSession } from '../sessions/tcp-session.js';

/** The JSON record of a finished session: field names are a public contract. */
export interface SessionRecord {
  type: 'session';
  id: number;
  client: Endpoint;
  server: Endpoint;
  ipVersion: 4 | 6;
  /** Present when the session came through VLANs or tunnels. */
  path?: PathLayer[];
  start: number;
  end: number;
  duration: number;
  packets: number;
  bytes: { client: number; server: number };
  state: SessionState;
  endReason: string | null;
  tcp: TcpCounters;
  triggers: string[];
  marks: string[];
  fragmented: boolean;
  protocol: string | null;
  [protocol: string]: unknown;
}

/** Rounds a timestamp to the microsecond, so JSON shows 1763000000.123456, not binary noise. */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

export function sessionRecord(session: TcpSession): SessionRecord {
  const record: SessionRecord = {
    type: 'session',
    id: session.id,
    client: session.client,
    server: session.server,
    ipVersion: session.ipVersion,
    ...(session.path ? { path: [...session.path] } : {}),
    start: roundTime(session.start),
    end: roundTime(session.lastTime),
    duration: roundTime(session.duration),
    packets: session.packets,
    bytes: { client: session.clientBytes, server: session.serverBytes },
    state: session.state,
    endReason: session.endReason,
    tcp: { ...session.tcp },
    triggers: [...session.triggers],
    marks: [...session.marks],
    fragmented: session.fragmented,
    protocol: session.protocol,
  };
  for (const [protocol, records] of Object.entries(session.records)) record[protocol] = records;
  return record;
}

/** The last record of a JSON stream: the run's figures. */
export function summaryRecord(stats: Statistics): Record<string, unknown> {
  stats.sampleMemory();
  return {
    type: 'summary',
    packets: stats.packets,
    bytes: stats.bytes,
    sessions: stats.sessions,
    reported: stats.reported,
    byTrigger: stats.byTrigger,
    evictedSessions: stats.evictedSessions,
    halfOpenEvicted: stats.halfOpenEvicted,
    droppedSegments: stats.droppedSegments,
    headerErrors: stats.headerErrors,
    unsupportedLinkType: stats.unsupportedLinkType,
    nonTcp: stats.nonTcp,
    fragments: stats.fragments,
    fragmentsReassembled: stats.fragmentsReassembled,
    fragmentOverlaps: stats.fragmentOverlaps,
    fragmentTimeouts: stats.fragmentTimeouts,
    fragmentEvictions: stats.fragmentEvictions,
    fragmentsPerDatagramDrops: stats.fragmentsPerDatagramDrops,
    overlapConflicts: stats.overlapConflicts,
    outOfOrderGivenUp: stats.outOfOrderGivenUp,
    streamLimitHits: stats.streamLimitHits,
    timestampOutliers: stats.timestampOutliers,
    ...(stats.libpcap ? { libpcap: stats.libpcap } : {}),
    pluginErrors: stats.pluginErrors,
    notDissected: stats.notDissected,
    markedSessions: stats.markedSessions,
    marks: stats.marks,
    elapsed: (Date.now() - stats.startedAt) / 1000,
    peakRss: stats.peakRss,
    ...(stats.memory ? { memory: { limit: stats.memory.limit, peak: stats.memory.peak, shed: stats.memory.shedByName() } } : {}),
  };
}
