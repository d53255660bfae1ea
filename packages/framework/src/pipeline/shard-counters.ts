import type { Statistics } from './statistics.js';

/**
 * A worker's counters, as it sends them to the main thread. Those counted per frame are the
 * same in every worker (each reads every frame) and are taken once; those counted per session
 * are added up. What the summary counts per reported session (reported, by trigger, marks) the
 * main thread counts itself as it merges, in one thread's order.
 */
export interface ShardCounters {
  perFrame: Pick<
    Statistics,
    | 'packets'
    | 'bytes'
    | 'headerErrors'
    | 'unsupportedLinkType'
    | 'nonTcp'
    | 'fragments'
    | 'fragmentsReassembled'
    | 'fragmentOverlaps'
    | 'fragmentTimeouts'
    | 'fragmentEvictions'
    | 'fragmentsPerDatagramDrops'
    | 'timestampOutliers'
  >;
  perSession: Pick<
    Statistics,
    'sessions' | 'evictedSessions' | 'halfOpenEvicted' | 'droppedSegments' | 'overlapConflicts' | 'outOfOrderGivenUp' | 'streamLimitHits' | 'notDissected'
  >;
  pluginErrors: Record<string, number>;
  memory: { peak: number; shed: number[] } | null;
}

export function shardCounters(stats: Statistics): ShardCounters {
  const s = stats;
  return {
    perFrame: {
      packets: s.packets,
      bytes: s.bytes,
      headerErrors: s.headerErrors,
      unsupportedLinkType: s.unsupportedLinkType,
      nonTcp: s.nonTcp,
      fragments: s.fragments,
      fragmentsReassembled: s.fragmentsReassembled,
      fragmentOverlaps: s.fragmentOverlaps,
      fragmentTimeouts: s.fragmentTimeouts,
      fragmentEvictions: s.fragmentEvictions,
      fragmentsPerDatagramDrops: s.fragmentsPerDatagramDrops,
      timestampOutliers: s.timestampOutliers,
    },
    perSession: {
      sessions: s.sessions,
      evictedSessions: s.evictedSessions,
      halfOpenEvicted: s.halfOpenEvicted,
      droppedSegments: s.droppedSegments,
      overlapConflicts: s.overlapConflicts,
      outOfOrderGivenUp: s.outOfOrderGivenUp,
      streamLimitHits: s.streamLimitHits,
      notDissected: s.notDissected,
    },
    pluginErrors: s.pluginErrors,
    memory: s.memory && { peak: s.memory.peak, shed: s.memory.shed },
  };
}

/** Adds a worker's counters into the run's; `first`: the first worker's, whose per-frame counters stand for all. */
export function addShardCounters(stats: Statistics, counters: ShardCounters, first: boolean): void {
  if (first) Object.assign(stats, counters.perFrame);
  for (const [key, value] of Object.entries(counters.perSession)) stats[key as keyof ShardCounters['perSession']] += value;
  for (const [name, count] of Object.entries(counters.pluginErrors)) stats.pluginErrors[name] = (stats.pluginErrors[name] ?? 0) + count;
  const memory = counters.memory;
  if (!memory || !stats.memory) return;
  stats.memory.peak += memory.peak;
  memory.shed.forEach((count, kind) => (stats.memory!.shed[kind]! += count));
}
