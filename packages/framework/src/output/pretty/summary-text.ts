import type { Statistics } from '../../pipeline/statistics.js';

/** The summary block printed at exit, after miruo's statistics. */
export function summaryText(stats: Statistics): string {
  stats.sampleMemory();
  const elapsed = (Date.now() - stats.startedAt) / 1000;
  const rate = elapsed > 0 ? Math.round(stats.packets / elapsed) : 0;
  const rows: [string, string | number][] = [
    ['Packets read', stats.packets],
    ['Sessions', stats.sessions],
    ['  Reported', stats.reported],
    ...byName(stats.byTrigger),
    ...(stats.notDissected > 0 ? [['  Not dissected', stats.notDissected] as [string, number]] : []),
    ['  Marked', stats.markedSessions],
    ...byName(stats.marks),
    ['Evicted sessions', stats.evictedSessions],
    ['  Half-open', stats.halfOpenEvicted],
    ['Dropped segments', stats.droppedSegments],
    ['Fragments reassembled', stats.fragmentsReassembled],
    ['Fragments given up', stats.fragmentTimeouts + stats.fragmentEvictions + stats.fragmentsPerDatagramDrops],
    ['Overlap conflicts', stats.overlapConflicts + stats.fragmentOverlaps],
    ['Out-of-order given up', `${stats.outOfOrderGivenUp} bytes`],
    ['Unsupported link type', stats.unsupportedLinkType],
    ['Timestamp outliers', stats.timestampOutliers],
  ];
  for (const [plugin, count] of Object.entries(stats.pluginErrors)) rows.push([`Plugin errors: ${plugin}`, count]);
  const memory = stats.memory;
  if (memory) {
    rows.push(['Memory held (peak)', `${mib(memory.peak)} of ${mib(memory.limit)} MiB`]);
    for (const [kind, count] of Object.entries(memory.shedByName())) rows.push([`  Shed ${kind}`, count]);
  }
  rows.push(['Peak memory', `${mib(stats.peakRss)} MiB`], ['Elapsed', `${elapsed.toFixed(2)} s (${rate} packets/s)`]);
  const errors: [string, number][] = [
    ['L2', stats.headerErrors.link],
    ['IP', stats.headerErrors.ip],
    ['TCP', stats.headerErrors.tcp],
  ];
  // miruo's columns; a longer label (a trigger, mark or plugin name) still has a space before its colon.
  const row = ([label, value]: [string, string | number]) => `${label.padEnd(21)} : ${value}`;
  // miruo's block for a live capture.
  const libpcap: [string, number][] = stats.libpcap ? [['recv', stats.libpcap.recv], ['drop', stats.libpcap.drop], ['ifdrop', stats.libpcap.ifdrop]] : [];
  return [
    '===== Session Statistics =====',
    ...rows.map(row),
    ...(stats.libpcap ? ['===== libpcap Statistics =====', ...libpcap.map(row)] : []),
    '===== Header Error Count =====',
    ...errors.map(row),
    '==============================',
    '',
  ].join('\n');
}

/** Rows of sessions counted by trigger or mark, under their total. */
function byName(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).map(([name, count]) => [`    ${name}`, count]);
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}
