// Measures commands as fresh processes, in turn (A B C A B C ...: this VM's speed drifts, so
// commands compared with each other share its slow and fast moments), and keeps each one's
// medians. Per run: wall time (the parent's clock around the child), CPU time (the child's
// user + system time, from the counters Linux keeps of a process's waited-for children in
// /proc/self/stat: steadier than wall time on a shared machine) and peak RSS (GNU time's %M,
// when /usr/bin/time is installed). The commands' standard output goes to /dev/null.
//
// A command with `threads: true` also gets each of its threads' CPU time, on Linux: while it
// runs, /proc/PID/task/*/stat is read every POLL_MS and each thread's last utime + stime kept
// (a thread's time is its own, where the process's is every thread's together). So a thread
// that ends misses its last POLL_MS at most, and one that lives less than POLL_MS may not be
// seen at all: what the polls miss is in the process's total, not in any thread. Node 20
// names every thread "node", so a thread is known by its id only: the main thread's equals
// the PID. The polling costs the bench a little CPU (about 15 small reads every POLL_MS).
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { clearInterval, setInterval } from 'node:timers';

const GNU_TIME = '/usr/bin/time';
const RSS_LINE = /^BENCH-PEAK-RSS (\d+)$/m;
/** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux. */
const USER_HZ = 100;
/** How often a command's threads are read: often enough that each thread's last reading is close to its end. */
const POLL_MS = 20;
const hasGnuTime = existsSync(GNU_TIME) && RSS_LINE.test(spawnSync(GNU_TIME, ['-f', 'BENCH-PEAK-RSS %M', 'true'], { encoding: 'utf8' }).stderr ?? '');

/** Whether each thread's CPU time can be read (Linux's /proc/PID/task); elsewhere `threads` is left out of a run. */
export const canAccountThreads = existsSync('/proc/self/task');

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

/** The fields of a /proc stat line after the command name's closing parenthesis, from the 3rd (state) on. */
function statFields(path) {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds (user + system) of this process's waited-for children so far; NaN off Linux. */
function childrenCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return NaN;
  const fields = statFields('/proc/self/stat'); // cutime and cstime are the 16th and 17th
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** Reads the file at `path` with `read`, or returns undefined when it is gone (a process or thread that ended). */
function ifThere(path, read) {
  try {
    return read(path);
  } catch {
    return undefined;
  }
}

/** Adds each thread of process `pid` to `cpuByThread`: its CPU seconds (utime + stime, the 14th and 15th fields). */
function readThreadsCpu(pid, cpuByThread) {
  for (const tid of ifThere(`/proc/${pid}/task`, readdirSync) ?? []) {
    const fields = ifThere(`/proc/${pid}/task/${tid}/stat`, statFields);
    if (fields) cpuByThread.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / USER_HZ);
  }
}

/**
 * Reads the threads of the process `pid` every POLL_MS (of its child when `wrapped`: the
 * command under GNU time) until `stop()`, which returns { main, others } in CPU seconds:
 * the main thread's and the others', busiest first.
 */
function watchThreads(pid, wrapped) {
  let target = wrapped ? undefined : pid;
  const cpuByThread = new Map();
  const timer = setInterval(() => {
    target ??= ifThere(`/proc/${pid}/task/${pid}/children`, (path) => Number(readFileSync(path, 'utf8').split(' ')[0]) || undefined);
    if (target !== undefined) readThreadsCpu(target, cpuByThread);
  }, POLL_MS);
  return () => {
    clearInterval(timer);
    const others = [...cpuByThread].filter(([tid]) => tid !== target).map(([, cpu]) => cpu);
    return { main: cpuByThread.get(target) ?? NaN, others: others.sort((a, b) => b - a) };
  };
}

/**
 * One run of `cmd args` as a fresh process: { wall, cpu, rss (bytes, NaN without GNU time),
 * stderr, threads (with `threads` on Linux: see watchThreads) }.
 */
async function runOnce({ cmd, args, threads }) {
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', 'BENCH-PEAK-RSS %M', cmd, ...args]] : [cmd, args];
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stopWatching = threads && canAccountThreads ? watchThreads(child.pid, hasGnuTime) : undefined;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const failure = (why) => new Error(`${cmd} ${args.join(' ')} failed: ${why}`);
  let status;
  try {
    [status] = await once(child, 'exit');
  } catch (error) {
    stopWatching?.();
    throw failure(error.message);
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const threadTimes = stopWatching?.();
  const cpu = childrenCpuSeconds() - cpuBefore;
  await finished(child.stderr);
  if (status !== 0) throw failure(stderr.trim().split('\n').filter((line) => !RSS_LINE.test(line)).pop());
  const rssKib = RSS_LINE.exec(stderr)?.[1];
  return { wall, cpu, rss: rssKib === undefined ? NaN : Number(rssKib) * 1024, stderr, ...(threadTimes && { threads: threadTimes }) };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Runs `commands` ({ cmd, args, threads?, ... }) in turn, `rounds` times, and resolves to each
 * command with its runs, its medians of wall and CPU time, its largest peak RSS and its first
 * run's stderr (pakeana's text summary). `progress(round)` is called before each round.
 */
export async function alternate(commands, rounds, progress = () => {}) {
  const runs = commands.map(() => []);
  for (let round = 0; round < rounds; round++) {
    progress(round);
    for (const [k, command] of commands.entries()) runs[k].push(await runOnce(command));
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
