// The benchmark script (test/bench/bench.mjs) in its quick form: one round on a small committed
// capture, the large capture made of 2 copies of it in a temporary directory, read with -j 1
// and -j 2. Checks that it prints the table of issue 16's targets with a figure for each target
// that can be measured here, that the figures are the ratios of the medians it prints, and the
// workers' table with each thread's CPU time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { canAccountThreads, onPath } from './bench/measure.mjs';

const bench = new URL('./bench/bench.mjs', import.meta.url).pathname;
const capture = new URL('./fixtures/corpus/http-many.pcap', import.meta.url).pathname;

function runBench(env) {
  return spawnSync(process.execPath, [bench, '--smoke', capture], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
}

/** The rows of the Markdown table that follows the line starting with `| ${firstHeader} |`, as arrays of cells. */
function table(stdout, firstHeader) {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} `));
  assert.ok(start >= 0, `no table headed "${firstHeader}" in:\n${stdout}`);
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

const bigCaptureTools = ['capinfos', 'editcap', 'mergecap'].every(onPath);
const TARGETS = [
  { row: '`read --plugin http` (pretty) / TCP-only `read --all --format json`', value: /^\d+\.\d\d$/, goal: '<= 1.3' },
  { row: '`read --plugin http` (pretty) / `tcpdump -nn -r`', value: /^\d+\.\d\d$/, goal: '<= 0.44', needs: onPath('tcpdump') },
  { row: "`read --plugin http --all --format json`: times faster than tshark's field export", value: /^\d+\.\d\dx$/, goal: '>= 10x', needs: onPath('tshark') },
  { row: 'TCP-only `read --all --format json`: times faster than `tcpdump -nn -r`', value: /^\d+\.\d\dx$/, goal: '>= 3x', needs: onPath('tcpdump') },
  { row: '1,388 packets: peak RSS, -j 1 (the larger of the two runs)', value: /^\d+ MB$/, goal: '< 200 MB', needs: bigCaptureTools && existsSync('/usr/bin/time') },
  { row: '1,388 packets: peak RSS, -j 2 (the largest run)', value: /^\d+ MB$/, goal: '< 200 MB', needs: bigCaptureTools && existsSync('/usr/bin/time') },
  { row: '1,388 packets: `read --plugin http`, packets/s, -j 1 / -j 2', value: /^\d+k \/ \d+k$/, goal: '-', needs: bigCaptureTools },
  { row: '1,388 packets: `read --plugin http --all --format json`, packets/s, -j 1 / -j 2', value: /^\d+k \/ \d+k$/, goal: '-', needs: bigCaptureTools },
  { row: 'workers: `read --plugin http`, -j 2 / -j 1', value: /^\d+\.\d\d$/, goal: '<= 1', needs: bigCaptureTools },
  { row: 'workers: `read --plugin http`, projected speed-up with a core per thread, -j 2', value: /^\d+\.\d\dx$/, goal: '-', needs: bigCaptureTools && canAccountThreads },
  { row: 'workers: `read --plugin http --all --format json`, -j 2 / -j 1', value: /^\d+\.\d\d$/, goal: '<= 1', needs: bigCaptureTools },
  { row: 'workers: `read --plugin http --all --format json`, projected speed-up with a core per thread, -j 2', value: /^\d+\.\d\dx$/, goal: '-', needs: bigCaptureTools && canAccountThreads },
  { row: 'start-up: `read` of http-basic.pcap, seconds', value: /^\d+\.\d{3}$/, goal: '<= 0.1' },
  { row: 'start-up reference: `node -e 0`, seconds', value: /^\d+\.\d{3}$/, goal: '-' },
];

test('bench --smoke prints every target with a figure, the ratios of the medians it prints', () => {
  const r = runBench({ BENCH_RUNS: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^capture: .*http-many\.pcap \(0\.1 MB, 694 packets, 1 sessions\)$/m);
  const targets = table(r.stdout, 'target');
  for (const { row, value, goal, needs = true } of TARGETS) {
    const found = targets.find(([name]) => name === row.replace('1,388 packets', bigCaptureTools ? '1,388 packets' : '3M packets'));
    assert.ok(found, `no row "${row}" in:\n${r.stdout}`);
    const [, measured, , shownGoal, result] = found;
    assert.equal(shownGoal, goal, row);
    if (needs) {
      assert.match(measured, value, row);
      if (goal !== '-') assert.match(result, /^(PASS|MISS)$/, row);
    } else assert.match(measured, /not installed|needs/, row);
  }
  assert.equal(targets.length, TARGETS.length + (onPath('miruo') ? 1 : 0), 'one row per target');

  const commands = table(r.stdout, 'group');
  const wall = (command) => Number(commands.find(([, name]) => name === `\`pakeana read FILE ${command} -j 1\``)[2].split(' ')[0]);
  const ratio = Number(targets[0][1]);
  // The medians are printed in milliseconds and the ratio to two decimals: on a tiny capture
  // (about 0.09 s a run) their rounding alone moves the ratio by up to about 1.5%.
  const ofMedians = wall('--plugin http') / wall('--all --format json');
  assert.ok(Math.abs(ratio - ofMedians) <= 0.015 * ofMedians + 0.005, `${ratio} is not the ratio of the medians (${ofMedians})`);

  if (bigCaptureTools) {
    const big = /^large capture: (\S+) \(2 copies, 1,388 packets, 2 sessions\)$/m.exec(r.stdout);
    assert.ok(big, `two copies of the 694-packet capture, each session again:\n${r.stdout}`);
    assert.ok(!existsSync(big[1]), 'the smoke run removes its large capture');
    assertWorkersTable(r.stdout);
  }
});

/** The workers' table: each HTTP run with -j 1 and -j 2, its figures, and CPU time by thread that adds up to the process's. */
function assertWorkersTable(stdout) {
  const rows = table(stdout, 'command');
  const runs = ['--plugin http --all --format json', '--plugin http'].flatMap((flags) => ['1', '2'].map((workers) => [`\`read FILE ${flags}\``, workers]));
  assert.deepEqual(rows.map(([command, workers]) => [command, workers]), runs);
  for (const [command, workers, wall, cpu, main, busiest, allWorkers, helpers, projected, rate, rss] of rows) {
    const what = `${command} -j ${workers}`;
    for (const seconds of [wall, cpu]) assert.match(seconds, /^\d+\.\d\d$/, what);
    assert.match(rate, /^\d+k$/, what);
    assert.match(rss, existsSync('/usr/bin/time') ? /^\d+ MB$/ : /^-$/, what);
    if (!canAccountThreads) {
      assert.deepEqual([main, busiest, allWorkers, helpers, projected], Array(5).fill('-'), what);
      continue;
    }
    const [m, b, w, h, p] = [main, busiest, allWorkers, helpers, projected].map(Number);
    assert.ok(m > 0, `${what}: the main thread's CPU time, ${main}`);
    if (workers === '1') assert.deepEqual([b, w, p], [0, 0, m], `${what}: no worker thread, the main thread is the critical path`);
    else assert.ok(b > 0 && w >= b && p > b, `${what}: workers ${busiest} (busiest) of ${allWorkers}, projected ${projected}`);
    // Each column is rounded to 0.01 s, and helpers are the rest of the total.
    assert.ok(Math.abs(m + w + h - Number(cpu)) <= 0.03, `${what}: ${main} + ${allWorkers} + ${helpers} is the process's ${cpu}`);
  }
}

test('bench: a BENCH_RUNS that is not a count of rounds is refused in one line', () => {
  const r = runBench({ BENCH_RUNS: 'five' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'BENCH_RUNS must be a whole number of rounds, at least 1 (got five)\n');
});
