// Measures commands as fresh processes, in turn (A B C A B C ...: this VM's speed drifts, so
// commands compared with each other share its slow and fast moments), and keeps each one's
// medians. Per run: wall time (the parent's clock around the child), CPU time (the child's
// user + system time, from the counters Linux keeps of a process's waited-for children in
// /proc/self/stat: steadier than wall time on a shared machine) and peak RSS (GNU time's %M,
// when /usr/bin/time is installed). The commands' standard output goes to /dev/null.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const GNU_TIME = '/usr/bin/time';
const RSS_LINE = /^BENCH-PEAK-RSS (\d+)$/m;
/** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux. */
const USER_HZ = 100;
const hasGnuTime = existsSync(GNU_TIME) && RSS_LINE.test(spawnSync(GNU_TIME, ['-f', 'BENCH-PEAK-RSS %M', 'true'], { encoding: 'utf8' }).stderr ?? '');

/** Whether an executable `name` is on PATH. */
export function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** CPU seconds (user + system) of this process's waited-for children so far; NaN off Linux. */
function childrenCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return NaN;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The fields after the command name's closing parenthesis, from the 3rd (state) on: cutime and cstime are the 16th and 17th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** One run of `cmd args` as a fresh process: { wall, cpu, rss (bytes, NaN without GNU time), stderr }. */
function runOnce({ cmd, args }) {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', 'BENCH-PEAK-RSS %M', cmd, ...args]] : [cmd, args];
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = childrenCpuSeconds() - cpuBefore;
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim().split('\n').filter((line) => !RSS_LINE.test(line)).pop();
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why}`);
  }
  const rssKib = RSS_LINE.exec(r.stderr)?.[1];
  return { wall, cpu, rss: rssKib === undefined ? NaN : Number(rssKib) * 1024, stderr: r.stderr };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Runs `commands` ({ cmd, args, ... }) in turn, `rounds` times, and returns each command with
 * its runs, its medians of wall and CPU time, its largest peak RSS and its first run's stderr
 * (pakeana's text summary). `progress(round)` is called before each round.
 */
export function alternate(commands, rounds, progress = () => {}) {
  const runs = commands.map(() => []);
  for (let round = 0; round < rounds; round++) {
    progress(round);
    commands.forEach((command, k) => runs[k].push(runOnce(command)));
  }
  return commands.map((command, k) => ({
    ...command,
    runs: runs[k],
    wall: median(runs[k].map((r) => r.wall)),
    cpu: median(runs[k].map((r) => r.cpu)),
    rss: Math.max(...runs[k].map((r) => r.rss)),
    stderr: runs[k][0].stderr,
  }));
}
