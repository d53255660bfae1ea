#!/usr/bin/env node
// Issue 16's speed targets, each measured as a ratio in one run:
//
//   npm run bench [-- [--smoke] FILE.pcap]        BENCH_RUNS rounds (5 by default)
//
// Without FILE it uses bench-data/bench.pcap, and makes it first with ../shared/lab/benchcap.sh
// (real HTTP traffic between network namespaces; needs root) when it is missing. Three groups
// of fresh processes, the commands of a group in turn (A B C A B C ...), medians of wall and
// CPU time (measure.mjs), output to /dev/null:
// - start-up: `pakeana read` of a tiny committed capture, and bare `node -e 0` for reference
//   (3 x BENCH_RUNS rounds: they are cheap and short times are noisy);
// - FILE: `read --plugin http` (pretty), TCP-only `read --all --format json`, `tcpdump -nn -r`,
//   `read --plugin http --all --format json`, tshark's HTTP field export, and miruo when it is
//   on PATH;
// - a large capture (3M packets: copies of FILE one after another in time, big-capture.mjs,
//   cached next to FILE): the two HTTP runs, `read --plugin http --all --format json` and
//   `read --plugin http`, each with -j 1, -j 2 and -j N (N: the cores, at most 4; 4 when
//   there are only 2, so that the over-subscribed case shows): peak RSS, packets/s, and each
//   thread's CPU time (measure.mjs, Linux only). The busiest thread is the critical path: with
//   a core for each thread, wall time tends to it, so the bench projects the wall time that a
//   machine with N + 1 free cores would see (a core for each share of the sessions, the main
//   thread following the first, and one for V8's helper threads) as max(main thread, start-up
//   + busiest worker thread): a worker thread starts once the
//   main thread is up, and the start-up is the start-up group's median CPU time of `read`.
//   The projected speed-up of N workers is the projected wall at -j 1 (its main thread's CPU
//   time) over the one at -j N.
// Every pakeana command passes -j: 1 but in the workers' rows (the default depends on the size).
// Then it prints a table of the targets (measured, goal, PASS or MISS, judged on wall time:
// what a user waits for; the CPU-time ratio alongside is steadier on a shared machine), one of
// the workers' runs and one of every command's medians. --smoke makes the large capture of 2
// copies in a temporary directory instead, read with -j 1 and -j 2 (a quick check that the
// script works: test/bench-smoke.test.mjs).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alternate, canAccountThreads, median, onPath } from './measure.mjs';
import { cannotMakeBigCapture, makeBigCapture } from './big-capture.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'packages/cli/bin/run.js');
const tiny = join(root, 'test/fixtures/corpus/http-basic.pcap');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const file = resolve(args.find((a) => a !== '--smoke') ?? join(root, 'bench-data/bench.pcap'));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const BIG_PACKETS = 3e6;
const TSHARK_FIELDS = ['-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.host'];

function makeCapture() {
  const script = join(root, '../shared/lab/benchcap.sh');
  if (!existsSync(script)) throw new Error(`no capture at ${file}, and no ${script} to make one: pass a FILE`);
  mkdirSync(dirname(file), { recursive: true });
  console.error(`making ${file} with ${script} (P=4 N=54000 K=15: ~600k packets, 14k sessions)...`);
  const r = spawnSync('bash', [script, file], { stdio: 'inherit', env: { ...process.env, P: '4', N: '54000', K: '15' } });
  if (r.status !== 0) throw new Error('benchcap.sh failed (it needs root, ip netns and tcpdump)');
}

/** `pakeana read capture flags -j workers`; with `threads`, each thread's CPU time is measured too. */
const read = (capture, flags, workers = 1, threads = false) => ({
  label: `pakeana read ${['FILE', ...flags, '-j', workers].join(' ')}`,
  cmd: process.execPath,
  args: [cli, 'read', capture, ...flags, '-j', String(workers)],
  workers,
  threads,
});
const tool = (label, cmd, args) => ({ label, cmd, args });

const HTTP = ['--plugin', 'http'];
const HTTP_ALL = ['--plugin', 'http', '--all', '--format', 'json'];
/** The counts of workers compared on the large capture: 1, 2 and the cores (at most 4, and 4 rather than 2). */
const cores = Math.min(availableParallelism(), 4);
const WORKER_COUNTS = smoke ? [1, 2] : [1, 2, cores > 2 ? cores : 4];

/** The commands run on a capture, by name. */
const commandsOn = (capture) => ({
  http: read(capture, HTTP),
  tcp: read(capture, ['--all', '--format', 'json']),
  tcpdump: tool('tcpdump -nn -r FILE', 'tcpdump', ['-nn', '-r', capture]),
  httpAll: read(capture, HTTP_ALL),
  tshark: tool(`tshark -r FILE ${TSHARK_FIELDS.join(' ')}`, 'tshark', ['-r', capture, ...TSHARK_FIELDS]),
  miruo: tool('miruo -f FILE', 'miruo', ['-f', capture]),
});

/**
 * Measures the commands (by name) in turn; returns each by name with its medians, or with
 * `missing` (why it was not run) when its program is not on PATH.
 */
async function measureGroup(name, commands, rounds) {
  const entries = Object.entries(commands);
  const present = entries.filter(([, c]) => c.cmd === process.execPath || onPath(c.cmd));
  const results = await alternate(present.map(([, c]) => c), rounds, (round) => console.error(`${name}: round ${round + 1} of ${rounds}`));
  const measured = new Map(present.map(([key], i) => [key, results[i]]));
  return Object.fromEntries(entries.map(([key, c]) => [key, measured.get(key) ?? { ...c, missing: `${c.cmd} not installed` }]));
}

/** A count from pakeana's text summary (the stderr of a pretty run), e.g. 'Packets read'. */
const summaryCount = (stderr, label) => Number(new RegExp(`^${label}\\s*:\\s*(\\d+)`, 'm').exec(stderr)?.[1]);

/** The runs of the large capture, by name: each HTTP run (`http`, `httpAll`) with each count of workers, e.g. `http-j2`. */
const workerCommandsOn = (capture) =>
  Object.fromEntries(
    [['httpAll', HTTP_ALL], ['http', HTTP]].flatMap(([name, flags]) => WORKER_COUNTS.map((n) => [`${name}-j${n}`, read(capture, flags, n, true)])),
  );

/** The large capture's runs (`commands`), its name and counts; or { missing } when it cannot be made. */
async function measureBigCapture(packets) {
  const missing = cannotMakeBigCapture();
  if (missing) return { missing };
  const copies = smoke ? 2 : Math.max(2, Math.ceil(BIG_PACKETS / packets));
  const dir = smoke ? mkdtempSync(join(tmpdir(), 'pakeana-bench-')) : dirname(file);
  const capture = join(dir, `${basename(file, extname(file))}-x${copies}.pcap`);
  try {
    console.error(`large capture: ${capture} (${copies} copies of ${basename(file)}, made once)`);
    makeBigCapture(file, capture, copies);
    const commands = await measureGroup('large capture', workerCommandsOn(capture), runs);
    const { stderr } = commands['http-j1'];
    return { commands, capture, copies, packets: summaryCount(stderr, 'Packets read'), sessions: summaryCount(stderr, 'Sessions') };
  } finally {
    if (smoke) rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/**
 * A run's CPU seconds by thread: the main thread's (it follows the first share of the sessions,
 * and merges), the busiest worker thread's, all worker threads' (the `workers - 1` busiest other
 * threads; none with one worker: the main thread does it all) and
 * the helpers' (the rest of the process's time: V8's and libuv's threads, and what the polls missed).
 */
function cpuByRole({ cpu, threads: { main, others } }, workers) {
  const workerTimes = others.slice(0, workers - 1);
  return { main, busiest: workerTimes[0] ?? 0, workers: sum(workerTimes), helpers: cpu - main - sum(workerTimes) };
}

/**
 * A command's medians of CPU seconds by thread (cpuByRole), and its projected wall time with
 * a free core for each thread: max(main thread, start-up + busiest worker). Undefined without
 * thread accounting.
 */
function threadFigures(command, startup) {
  if (!command.runs[0].threads) return undefined;
  const roles = command.runs.map((run) => cpuByRole(run, command.workers));
  const [main, busiest, workers, helpers] = ['main', 'busiest', 'workers', 'helpers'].map((role) => median(roles.map((r) => r[role])));
  const projected = Math.max(main, command.workers > 1 ? startup + busiest : 0);
  return { main, busiest, workers, helpers, projected };
}

const thousands = (x) => x.toLocaleString('en-US');
const kilo = (x) => `${Math.round(x / 1e3)}k`;
const count = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : thousands(x));
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const pass = (ok) => (ok ? 'PASS' : 'MISS');
const jList = (counts) => counts.map((n) => `-j ${n}`).join(' / ');

/** A target on the ratio of two commands' median times, `num` / `den`, at most or at least `limit`. */
function ratioRow(name, num, den, atMost, limit) {
  const unit = atMost ? '' : 'x';
  const goal = `${atMost ? '<=' : '>='} ${limit}${unit}`;
  const missing = num.missing ?? den.missing;
  if (missing) return [name, missing, '', goal, '-'];
  const wall = num.wall / den.wall;
  return [name, `${wall.toFixed(2)}${unit}`, `${(num.cpu / den.cpu).toFixed(2)}${unit}`, goal, pass(atMost ? wall <= limit : wall >= limit)];
}

/** A peak RSS target over some of the large capture's runs. */
function rssRow(name, big, keys) {
  const row = [name];
  const rss = big.missing ? NaN : Math.max(...keys.map((key) => big.commands[key].rss));
  if (big.missing) row.push(big.missing, '', '< 200 MB', '-');
  else if (Number.isNaN(rss)) row.push('needs GNU time (/usr/bin/time)', '', '< 200 MB', '-');
  else row.push(megabytes(rss), '', '< 200 MB', pass(rss < 200e6));
  return row;
}

/** The two HTTP runs of the large capture, by the name the rows give them. */
const BIG_RUNS = [
  ['http', 'read --plugin http'],
  ['httpAll', 'read --plugin http --all --format json'],
];

function bigCaptureRows(big) {
  const label = big.missing ? '3M packets' : `${count(big.packets)} packets`;
  const several = WORKER_COUNTS.slice(1);
  const rates = (kind) => big.missing ?? WORKER_COUNTS.map((n) => kilo(big.packets / big.commands[`${kind}-j${n}`].wall)).join(' / ');
  return [
    rssRow(`${label}: peak RSS, -j 1 (the larger of the two runs)`, big, ['http-j1', 'httpAll-j1']),
    rssRow(`${label}: peak RSS, ${jList(several)} (the largest run)`, big, BIG_RUNS.flatMap(([kind]) => several.map((n) => `${kind}-j${n}`))),
    ...BIG_RUNS.map(([kind, name]) => [`${label}: \`${name}\`, packets/s, ${jList(WORKER_COUNTS)}`, rates(kind), '', '-', '']),
  ];
}

/** Per HTTP run: -j 2 must not lose to -j 1 (on wall time), and the speed-up the CPU accounting projects. */
function workerRows(big, startup) {
  const several = WORKER_COUNTS.slice(1);
  return BIG_RUNS.flatMap(([kind, name]) => {
    const of = (n) => big.commands?.[`${kind}-j${n}`] ?? { missing: big.missing };
    const projected = (n) => threadFigures(of(n), startup.read.cpu).projected;
    const speedUp = big.missing ?? (canAccountThreads ? several.map((n) => `${(projected(1) / projected(n)).toFixed(2)}x`).join(' / ') : "needs Linux's /proc");
    return [
      ratioRow(`workers: \`${name}\`, -j 2 / -j 1`, of(2), of(1), true, 1),
      [`workers: \`${name}\`, projected speed-up with a core per thread, ${jList(several)}`, speedUp, '', '-', ''],
    ];
  });
}

function targetRows(startup, main, big) {
  return [
    ratioRow('`read --plugin http` (pretty) / TCP-only `read --all --format json`', main.http, main.tcp, true, 1.3),
    ratioRow('`read --plugin http` (pretty) / `tcpdump -nn -r`', main.http, main.tcpdump, true, 0.44),
    ...(main.miruo.missing ? [] : [ratioRow('`read --plugin http` (pretty) / `miruo -f`', main.http, main.miruo, true, 3)]),
    ratioRow('`read --plugin http --all --format json`: times faster than tshark\'s field export', main.tshark, main.httpAll, false, 10),
    ratioRow('TCP-only `read --all --format json`: times faster than `tcpdump -nn -r`', main.tcpdump, main.tcp, false, 3),
    ...bigCaptureRows(big),
    ...workerRows(big, startup),
    ['start-up: `read` of http-basic.pcap, seconds', startup.read.wall.toFixed(3), startup.read.cpu.toFixed(3), '<= 0.1', pass(startup.read.wall <= 0.1)],
    ['start-up reference: `node -e 0`, seconds', startup.node.wall.toFixed(3), startup.node.cpu.toFixed(3), '-', ''],
  ];
}

/** One row per run of the large capture: its medians of wall time and CPU time by thread, projected wall time, packets/s and peak RSS. */
function workerTableRows(big, startup) {
  const seconds = (x) => (x === undefined ? '-' : x.toFixed(2));
  return Object.values(big.commands).map((c) => {
    const t = threadFigures(c, startup.read.cpu);
    const byThread = t ? [t.main, t.busiest, t.workers, t.helpers, t.projected].map(seconds) : Array(5).fill('-');
    return [`\`${c.label.replace(/^pakeana /, '').replace(/ -j \d+$/, '')}\``, c.workers, seconds(c.wall), seconds(c.cpu), ...byThread, kilo(big.packets / c.wall), Number.isNaN(c.rss) ? '-' : megabytes(c.rss)];
  });
}

/** One row per command run: its medians, the range of its wall times, peak RSS and packets/s. */
function commandRows(groups) {
  return groups.flatMap(({ name, commands, packets }) =>
    Object.values(commands)
      .filter((c) => !c.missing)
      .map((c) => {
        const walls = c.runs.map((r) => r.wall);
        return [
          name,
          `\`${c.label}\``,
          `${c.wall.toFixed(3)} (${Math.min(...walls).toFixed(3)}-${Math.max(...walls).toFixed(3)})`,
          c.cpu.toFixed(3),
          Number.isNaN(c.rss) ? '-' : megabytes(c.rss),
          packets ? kilo(packets / c.wall) : '-',
        ];
      }),
  );
}

/** Prints a Markdown table with its columns aligned. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}

function printWorkers(big, startup) {
  if (big.missing) return console.log(`\nworkers: not measured, the large capture is missing (${big.missing})\n`);
  console.log(`\nworkers, on ${basename(big.capture)} (CPU seconds by thread, medians; ${canAccountThreads ? 'read from /proc/PID/task every 20 ms' : "per thread: needs Linux's /proc, left out"}):\n`);
  printTable(
    ['command', 'workers', 'wall s', 'CPU s', 'main thread', 'busiest worker', 'all workers', 'helpers', 'projected wall s', 'packets/s (wall)', 'peak RSS'],
    workerTableRows(big, startup),
  );
  console.log(
    [
      '',
      'main thread: the one whose id is the PID (it follows the first share and merges; with -j 1 it does all the work);',
      'worker threads: the N - 1 busiest other threads;',
      "helpers: the rest of the process's CPU time (V8's GC and compiler threads, libuv's, and what the polls missed).",
      `projected wall: with a free core for each share and one for the helpers (N + 1), max(main thread, start-up + busiest worker), where`,
      `start-up = ${startup.read.cpu.toFixed(3)} s, the start-up group's median CPU time of \`read\` (a worker starts once the main thread is up).`,
      'projected speed-up: projected wall at -j 1 (its main thread) / projected wall at -j N.',
      '',
    ].join('\n'),
  );
}

if (!Number.isInteger(runs) || runs < 1) {
  console.error(`BENCH_RUNS must be a whole number of rounds, at least 1 (got ${process.env.BENCH_RUNS})`);
  process.exit(2);
}
if (!existsSync(file)) makeCapture();
const startup = await measureGroup('start-up', { read: read(tiny, []), node: tool('node -e 0', process.execPath, ['-e', '0']) }, 3 * runs);
const main = await measureGroup('capture', commandsOn(file), runs);
const packets = summaryCount(main.http.stderr, 'Packets read');
const big = await measureBigCapture(packets);

console.log(`capture: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB, ${thousands(packets)} packets, ${thousands(summaryCount(main.http.stderr, 'Sessions'))} sessions)`);
console.log(big.missing ? `large capture: not made, ${big.missing}` : `large capture: ${big.capture} (${big.copies} copies, ${thousands(big.packets)} packets, ${thousands(big.sessions)} sessions)`);
console.log(`${runs} rounds (start-up: ${3 * runs}), the commands of each group in turn, fresh processes, medians; PASS/MISS on wall time\n`);
printTable(['target', 'measured (wall)', 'CPU time', 'goal', 'result'], targetRows(startup, main, big));
printWorkers(big, startup);
printTable(
  ['group', 'command', 'wall s, median (range)', 'CPU s, median', 'peak RSS', 'packets/s (wall)'],
  commandRows([
    { name: `start-up (${basename(tiny)})`, commands: startup },
    { name: basename(file), commands: main, packets },
    ...(big.missing ? [] : [{ name: basename(big.capture), commands: big.commands, packets: big.packets }]),
  ]),
);
