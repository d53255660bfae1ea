#!/usr/bin/env node
// Hostile-traffic stress run (issue 12): `npm run stress`, or `node test/stress/stress.mjs
// --short` (sizes / 10, for CI). Generates each attack capture into a temporary directory,
// runs `pakeana read -j 1` on it (one thread, whatever the capture's size) as a separate
// process with a timeout, and prints per run the packets, wall time, packets/s, CPU time and
// peak RSS (getrusage of the child). Checks:
// exit status 0, a JSON summary counting every packet, peak RSS under the memory limit plus
// the runtime's allowance, a SYN flood at least half as fast as normal traffic (wall time),
// and an --all export holding every frame. Exits 1 when a check fails.
//
//   --short              sizes / 10, timeout 30 s per run (full: 120 s)
//   --only NAME          only the runs whose name contains NAME (repeatable)
//   --memory-limit MIB   pass `limits.memory` in a config file and check against it
//   --keep               keep the temporary directory (captures and outputs)
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  fragmentBeyondEnd,
  fragmentDuplicates,
  fragmentsMissing,
  longExport,
  normal,
  outOfOrderConnections,
  outOfOrderOneByte,
  synFlood,
  writeCapture,
} from './captures.mjs';
import { countPcapFrames } from './pcap-writer.mjs';

const pakeana = new URL('../../packages/cli/bin/run.js', import.meta.url).pathname;
const usagePreload = new URL('./report-usage.cjs', import.meta.url).pathname;

const MIB = 1024 * 1024;
/** pakeana's default `limits.memory`. */
const DEFAULT_MEMORY_LIMIT = 512 * MIB;
/** What the runtime itself (V8, code, buffers not charged to the account) may add to the limit. */
const RUNTIME_ALLOWANCE = 100 * MIB;
/** A SYN flood must reach at least this share of normal traffic's packets/s. */
const FLOOD_SPEED_SHARE = 0.5;

const { values: options } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    'memory-limit': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const scale = options.short ? 0.1 : 1;
const timeoutMs = options.short ? 30_000 : 120_000;
const memoryLimit = options['memory-limit'] ? Number(options['memory-limit']) * MIB : DEFAULT_MEMORY_LIMIT;

/** The captures, with their full size (packets, datagrams, segments or connections). */
const CAPTURES = {
  normal: { generate: normal, size: 1_000_000, unit: 'packets of short HTTP connections' },
  'syn-flood': { generate: synFlood, size: 1_000_000, unit: 'SYNs from random sources in 10 s' },
  'frag-duplicates': { generate: fragmentDuplicates, size: 30_000, unit: 'duplicates of one 8-byte fragment' },
  'frag-missing': { generate: fragmentsMissing, size: 100_000, unit: 'datagrams missing a fragment, over 120 s' },
  'frag-beyond-end': { generate: fragmentBeyondEnd, size: 10_000, unit: 'datagrams with a fragment beyond the end' },
  'ooo-one-byte': { generate: outOfOrderOneByte, size: 100_000, unit: 'one-byte segments ahead of a hole' },
  'ooo-connections': { generate: outOfOrderConnections, size: 40_000, unit: 'connections holding out-of-order data' },
  'long-export': { generate: longExport, size: 25_000, unit: 'short sessions beside one long connection' },
};

/** The runs, in order; `baseline: true` runs first and is what `asFastAsBaseline` compares with. */
const RUNS = [
  { name: 'normal', capture: 'normal', args: [], baseline: true },
  { name: 'syn-flood', capture: 'syn-flood', args: [], asFastAsBaseline: true },
  { name: 'syn-flood --session-limit 10000', capture: 'syn-flood', args: ['--session-limit', '10000'], asFastAsBaseline: true },
  { name: 'frag-duplicates', capture: 'frag-duplicates', args: [] },
  { name: 'frag-missing', capture: 'frag-missing', args: [] },
  { name: 'frag-beyond-end', capture: 'frag-beyond-end', args: [] },
  { name: 'ooo-one-byte', capture: 'ooo-one-byte', args: [] },
  { name: 'ooo-connections', capture: 'ooo-connections', args: [] },
  { name: 'long-export --all --export', capture: 'long-export', args: ['--all'], exportsAll: true },
];

/** Summary counters worth showing when they are not zero. */
const NOTABLE = ['evictedSessions', 'droppedSegments', 'fragmentOverlaps', 'fragmentTimeouts', 'headerErrors'];

function selectedRuns() {
  if (options.only.length === 0) return RUNS;
  const chosen = RUNS.filter((r) => options.only.some((name) => r.name.includes(name)));
  const needsBaseline = chosen.some((r) => r.asFastAsBaseline) && !chosen.some((r) => r.baseline);
  return needsBaseline ? [RUNS.find((r) => r.baseline), ...chosen] : chosen;
}

/** The last line of a (possibly large) file, parsed as JSON; null when it is not JSON. */
function lastJsonLine(path) {
  const size = statSync(path).size;
  const length = Math.min(size, MIB);
  const tail = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  readSync(fd, tail, 0, length, size - length);
  closeSync(fd);
  const line = tail.toString('utf8').trimEnd().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** Runs `pakeana read FILE --format json ARGS` with the timeout; stdout goes to a file. */
function runPakeana(dir, name, file, args) {
  const slug = name.replace(/[^a-z0-9]+/gi, '-');
  const out = join(dir, `${slug}.out.json`);
  const usageFile = join(dir, `${slug}.usage.json`);
  const outFd = openSync(out, 'w');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', usagePreload, pakeana, 'read', file, '--format', 'json', '--plugin', 'http', '-j', '1', ...args], {
    stdio: ['ignore', outFd, 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, TZ: 'UTC', STRESS_USAGE_FILE: usageFile },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(outFd);
  const timedOut = r.error?.code === 'ETIMEDOUT';
  let usage = { peakRss: null, cpuSeconds: null };
  try {
    usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  } catch {
    // killed before it could say
  }
  const summary = timedOut ? null : lastJsonLine(out);
  return { status: r.status, timedOut, seconds, ...usage, stderr: r.stderr ?? '', summary: summary?.type === 'summary' ? summary : null };
}

function check(run, result, packets, baseline, exportFile) {
  const failures = [];
  if (result.timedOut) return [`timeout (${timeoutMs / 1000} s)`];
  if (result.status !== 0) failures.push(`exit ${result.status}: ${firstLine(result.stderr)}`);
  if (!result.summary) failures.push('no summary');
  else if (result.summary.packets !== packets) failures.push(`read ${result.summary.packets} of ${packets} packets`);
  if (result.peakRss !== null && result.peakRss > memoryLimit + RUNTIME_ALLOWANCE) failures.push(`peak RSS over ${((memoryLimit + RUNTIME_ALLOWANCE) / MIB).toFixed(0)} MiB`);
  if (run.asFastAsBaseline) {
    if (!baseline?.rate) failures.push('no normal-traffic rate to compare with');
    else {
      const share = packets / result.seconds / baseline.rate;
      if (share < FLOOD_SPEED_SHARE) failures.push(`${share.toFixed(2)} x normal's packets/s (under ${FLOOD_SPEED_SHARE})`);
    }
  }
  if (run.exportsAll && result.status === 0) {
    const exported = countPcapFrames(readFileSync(exportFile));
    if (exported !== packets) failures.push(`exported ${exported} of ${packets} frames`);
  }
  return failures;
}

/** The first line of pakeana's error output, without the capture's path. */
function firstLine(stderr) {
  return (stderr.trim().split('\n')[0] ?? '').replace(/\S+\.pcap: /, '').slice(0, 100);
}

function notes(summary) {
  if (!summary) return '';
  const shown = NOTABLE.filter((k) => {
    const v = summary[k];
    return typeof v === 'object' ? Object.values(v).some((n) => n > 0) : v > 0;
  });
  return shown.map((k) => `${k} ${typeof summary[k] === 'object' ? JSON.stringify(summary[k]) : summary[k]}`).join(', ');
}

function printTable(rows) {
  const header = ['run', 'packets', 'wall s', 'packets/s', 'CPU s', 'peak RSS MiB', 'result', 'counters'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i >= 6 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function main() {
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-stress-'));
  const runs = selectedRuns();
  const configArgs = [];
  if (options['memory-limit']) {
    const config = join(dir, 'limits.yaml');
    writeFileSync(config, `limits:\n  memory: ${options['memory-limit']}MiB\n`);
    configArgs.push('--config', config);
  }
  console.log(`pakeana stress (${options.short ? 'short' : 'full'}): memory limit ${memoryLimit / MIB} MiB + ${RUNTIME_ALLOWANCE / MIB} MiB runtime, timeout ${timeoutMs / 1000} s, in ${dir}`);
  const packetsOf = new Map();
  for (const name of new Set(runs.map((r) => r.capture))) {
    const { generate, size, unit } = CAPTURES[name];
    const n = Math.round(size * scale);
    const t0 = Date.now();
    const packets = writeCapture(join(dir, `${name}.pcap`), generate, n);
    packetsOf.set(name, packets);
    const mb = statSync(join(dir, `${name}.pcap`)).size / 1e6;
    console.log(`  generated ${name}: ${n} ${unit}; ${packets} packets, ${mb.toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const rows = [];
  let baseline = null;
  let failed = 0;
  for (const run of runs) {
    const packets = packetsOf.get(run.capture);
    const exportFile = join(dir, `${run.capture}.export.pcap`);
    const args = [...configArgs, ...run.args, ...(run.exportsAll ? ['--export', exportFile] : [])];
    process.stdout.write(`  running ${run.name}...`);
    const result = runPakeana(dir, run.name, join(dir, `${run.capture}.pcap`), args);
    process.stdout.write(` ${result.timedOut ? 'timeout' : `${result.seconds.toFixed(1)} s`}\n`);
    const rate = result.timedOut ? null : packets / result.seconds;
    if (run.baseline) baseline = { rate };
    const failures = check(run, result, packets, baseline, exportFile);
    if (failures.length > 0) failed++;
    rows.push([
      run.name,
      packets,
      result.timedOut ? `>${timeoutMs / 1000}` : result.seconds.toFixed(2),
      rate === null ? '-' : Math.round(rate),
      result.cpuSeconds === null ? '-' : result.cpuSeconds.toFixed(2),
      result.peakRss === null ? '-' : (result.peakRss / MIB).toFixed(0),
      failures.length ? `FAIL: ${failures.join('; ')}` : 'ok',
      notes(result.summary),
    ]);
  }
  console.log();
  printTable(rows);
  console.log(`\n${failed ? `${failed} of ${runs.length} runs failed` : `all ${runs.length} runs passed`} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  if (options.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}

main();
