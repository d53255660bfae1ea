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
//   cached next to FILE): peak RSS and packets/s of the two HTTP runs.
// Then it prints a table of the targets (measured, goal, PASS or MISS, judged on wall time:
// what a user waits for; the CPU-time ratio alongside is steadier on a shared machine) and one
// of every command's medians. --smoke makes the large capture of 2 copies in a temporary
// directory instead (a quick check that the script works: test/bench-smoke.test.mjs).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alternate, onPath } from './measure.mjs';
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

const read = (capture, ...flags) => ({ label: `pakeana read ${['FILE', ...flags].join(' ')}`, cmd: process.execPath, args: [cli, 'read', capture, ...flags] });
const tool = (label, cmd, args) => ({ label, cmd, args });

/** The commands run on a capture, by name. */
const commandsOn = (capture) => ({
  http: read(capture, '--plugin', 'http'),
  tcp: read(capture, '--all', '--format', 'json'),
  tcpdump: tool('tcpdump -nn -r FILE', 'tcpdump', ['-nn', '-r', capture]),
  httpAll: read(capture, '--plugin', 'http', '--all', '--format', 'json'),
  tshark: tool(`tshark -r FILE ${TSHARK_FIELDS.join(' ')}`, 'tshark', ['-r', capture, ...TSHARK_FIELDS]),
  miruo: tool('miruo -f FILE', 'miruo', ['-f', capture]),
});

/**
 * Measures the commands (by name) in turn; returns each by name with its medians, or with
 * `missing` (why it was not run) when its program is not on PATH.
 */
function measureGroup(name, commands, rounds) {
  const entries = Object.entries(commands);
  const present = entries.filter(([, c]) => c.cmd === process.execPath || onPath(c.cmd));
  const results = alternate(present.map(([, c]) => c), rounds, (round) => console.error(`${name}: round ${round + 1} of ${rounds}`));
  const measured = new Map(present.map(([key], i) => [key, results[i]]));
  return Object.fromEntries(entries.map(([key, c]) => [key, measured.get(key) ?? { ...c, missing: `${c.cmd} not installed` }]));
}

/** A count from pakeana's text summary (the stderr of a pretty run), e.g. 'Packets read'. */
const summaryCount = (stderr, label) => Number(new RegExp(`^${label}\\s*:\\s*(\\d+)`, 'm').exec(stderr)?.[1]);

/** The large capture's two HTTP runs, its name and counts; or { missing } when it cannot be made. */
function measureBigCapture(packets) {
  const missing = cannotMakeBigCapture();
  if (missing) return { missing };
  const copies = smoke ? 2 : Math.max(2, Math.ceil(BIG_PACKETS / packets));
  const dir = smoke ? mkdtempSync(join(tmpdir(), 'pakeana-bench-')) : dirname(file);
  const capture = join(dir, `${basename(file, extname(file))}-x${copies}.pcap`);
  try {
    console.error(`large capture: ${capture} (${copies} copies of ${basename(file)}, made once)`);
    makeBigCapture(file, capture, copies);
    const { http, httpAll } = commandsOn(capture);
    const measured = measureGroup('large capture', { http, httpAll }, runs);
    return { ...measured, capture, copies, packets: summaryCount(measured.http.stderr, 'Packets read'), sessions: summaryCount(measured.http.stderr, 'Sessions') };
  } finally {
    if (smoke) rmSync(dir, { recursive: true, force: true });
  }
}

const thousands = (x) => x.toLocaleString('en-US');
const kilo = (x) => `${Math.round(x / 1e3)}k`;
const count = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : thousands(x));
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const pass = (ok) => (ok ? 'PASS' : 'MISS');

/** A target on the ratio of two commands' median times, `num` / `den`, at most or at least `limit`. */
function ratioRow(name, num, den, atMost, limit) {
  const unit = atMost ? '' : 'x';
  const goal = `${atMost ? '<=' : '>='} ${limit}${unit}`;
  const missing = num.missing ?? den.missing;
  if (missing) return [name, missing, '', goal, '-'];
  const wall = num.wall / den.wall;
  return [name, `${wall.toFixed(2)}${unit}`, `${(num.cpu / den.cpu).toFixed(2)}${unit}`, goal, pass(atMost ? wall <= limit : wall >= limit)];
}

function bigCaptureRows(big) {
  const label = big.missing ? '3M packets' : `${count(big.packets)} packets`;
  const rss = big.missing ? NaN : Math.max(big.http.rss, big.httpAll.rss);
  const rssRow = [`${label}: peak RSS (the larger of the two runs)`];
  if (big.missing) rssRow.push(big.missing, '', '< 200 MB', '-');
  else if (Number.isNaN(rss)) rssRow.push('needs GNU time (/usr/bin/time)', '', '< 200 MB', '-');
  else rssRow.push(megabytes(rss), '', '< 200 MB', pass(rss < 200e6));
  const rateRow = (command, name) => [`${label}: \`${name}\`, 1 worker, packets/s`, big.missing ?? kilo(big.packets / command.wall), '', '-', ''];
  return [rssRow, rateRow(big.http, 'read --plugin http'), rateRow(big.httpAll, 'read --plugin http --all --format json')];
}

function targetRows(startup, main, big) {
  return [
    ratioRow('`read --plugin http` (pretty) / TCP-only `read --all --format json`', main.http, main.tcp, true, 1.3),
    ratioRow('`read --plugin http` (pretty) / `tcpdump -nn -r`', main.http, main.tcpdump, true, 0.44),
    ...(main.miruo.missing ? [] : [ratioRow('`read --plugin http` (pretty) / `miruo -f`', main.http, main.miruo, true, 3)]),
    ratioRow('`read --plugin http --all --format json`: times faster than tshark\'s field export', main.tshark, main.httpAll, false, 10),
    ratioRow('TCP-only `read --all --format json`: times faster than `tcpdump -nn -r`', main.tcpdump, main.tcp, false, 3),
    ...bigCaptureRows(big),
    ['start-up: `read` of http-basic.pcap, seconds', startup.read.wall.toFixed(3), startup.read.cpu.toFixed(3), '<= 0.1', pass(startup.read.wall <= 0.1)],
    ['start-up reference: `node -e 0`, seconds', startup.node.wall.toFixed(3), startup.node.cpu.toFixed(3), '-', ''],
  ];
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

if (!Number.isInteger(runs) || runs < 1) {
  console.error(`BENCH_RUNS must be a whole number of rounds, at least 1 (got ${process.env.BENCH_RUNS})`);
  process.exit(2);
}
if (!existsSync(file)) makeCapture();
const startup = measureGroup('start-up', { read: read(tiny), node: tool('node -e 0', process.execPath, ['-e', '0']) }, 3 * runs);
const main = measureGroup('capture', commandsOn(file), runs);
const packets = summaryCount(main.http.stderr, 'Packets read');
const big = measureBigCapture(packets);

console.log(`capture: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB, ${thousands(packets)} packets, ${thousands(summaryCount(main.http.stderr, 'Sessions'))} sessions)`);
console.log(big.missing ? `large capture: not made, ${big.missing}` : `large capture: ${big.capture} (${big.copies} copies, ${thousands(big.packets)} packets, ${thousands(big.sessions)} sessions)`);
console.log(`${runs} rounds (start-up: ${3 * runs}), the commands of each group in turn, fresh processes, medians; PASS/MISS on wall time\n`);
printTable(['target', 'measured (wall)', 'CPU time', 'goal', 'result'], targetRows(startup, main, big));
console.log('\n2 and N workers: to be measured when `pakeana read` has a way to run workers (it has none yet).\n');
printTable(
  ['group', 'command', 'wall s, median (range)', 'CPU s, median', 'peak RSS', 'packets/s (wall)'],
  commandRows([
    { name: `start-up (${basename(tiny)})`, commands: startup },
    { name: basename(file), commands: main, packets },
    ...(big.missing ? [] : [{ name: basename(big.capture), commands: { http: big.http, httpAll: big.httpAll }, packets: big.packets }]),
  ]),
);
