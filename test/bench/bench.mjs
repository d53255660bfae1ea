#!/usr/bin/env node
// Throughput benchmark: `npm run bench [-- FILE.pcap]`.
// Without a file it uses bench-data/bench.pcap, and makes it first with ../shared/lab/benchcap.sh
// (real HTTP traffic between network namespaces; needs root) when it is missing.
// For each run (three with JSON out, then the default pretty output) it prints packets/s end
// to end (a fresh `pakeana read`, best of BENCH_RUNS) and warm (the same command run again in
// one process, median of the later runs: the pipeline's steady speed once the JIT has
// compiled it), peak RSS, and tshark's time on the same file when tshark is installed.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pakeana = join(root, 'packages/cli/bin/run.js');
const warm = join(root, 'test/bench/warm.cjs');
const file = resolve(process.argv[2] ?? join(root, 'bench-data/bench.pcap'));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const WARM_RUNS = 5;

function makeCapture() {
  const script = join(root, '../shared/lab/benchcap.sh');
  if (!existsSync(script)) throw new Error(`no capture at ${file}, and no ${script} to make one: pass a FILE`);
  mkdirSync(dirname(file), { recursive: true });
  console.log(`making ${file} with ${script} (P=4 N=54000 K=15: ~600k packets, 14k sessions)...`);
  const r = spawnSync('bash', [script, file], { stdio: 'inherit', env: { ...process.env, P: '4', N: '54000', K: '15' } });
  if (r.status !== 0) throw new Error('benchcap.sh failed (it needs root, ip netns and tcpdump)');
}

function spawn(cmd, args) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

/** Packets, sessions and peak RSS from pakeana's summary: the last JSON record, or the text one on stderr. */
function summaryOf({ stdout, stderr }) {
  const last = stdout.trim().split('\n').pop() ?? '';
  if (last.startsWith('{')) return JSON.parse(last);
  const number = (label) => Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(stderr)?.[1]);
  return { packets: number('Packets read'), sessions: number('Sessions'), peakRss: number('Peak memory') * 1048576 };
}

/** Best of `runs` wall times of a fresh process; peak RSS and packet count from pakeana's summary. */
function endToEnd(args) {
  let best = Infinity;
  let summary = null;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const result = spawn(process.execPath, [pakeana, 'read', file, ...args]);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    summary = summaryOf(result);
  }
  return { seconds: best, packets: summary.packets, sessions: summary.sessions, peakRss: summary.peakRss };
}

/** Median wall time of the warm runs in one process (the first run is left out). */
function warmSeconds(args) {
  const times = JSON.parse(spawn(process.execPath, [warm, String(WARM_RUNS), file, ...args]).stdout).slice(1).sort((a, b) => a - b);
  return times[times.length >> 1] / 1000;
}

function timeTool(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) return null;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const rate = (packets, seconds) => `${(packets / seconds / 1e3).toFixed(0)}k packets/s`;
const HTTP_FIELDS = ['-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.host'];

if (!existsSync(file)) makeCapture();
console.log(`capture: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB); end to end: best of ${runs} runs; warm: median of ${WARM_RUNS - 1}`);
for (const [label, args, tsharkArgs] of [
  ['TCP sessions, --all JSON', ['--all', '--format', 'json'], ['-q', '-z', 'conv,tcp']],
  ['TCP + HTTP, --all JSON', ['--plugin', 'http', '--all', '--format', 'json'], HTTP_FIELDS],
  ['TCP + HTTP, default triggers', ['--plugin', 'http', '--format', 'json'], null],
  ['  the same, pretty output', ['--plugin', 'http'], null],
]) {
  const p = endToEnd(args);
  const steady = warmSeconds(args);
  const tshark = tsharkArgs && timeTool('tshark', ['-r', file, ...tsharkArgs]);
  console.log(
    `${label.padEnd(29)} ${p.packets} packets, ${p.sessions} sessions: ${p.seconds.toFixed(2)} s, ${rate(p.packets, p.seconds)}; ` +
      `warm ${steady.toFixed(2)} s, ${rate(p.packets, steady)}; peak RSS ${(p.peakRss / 1048576).toFixed(0)} MiB` +
      (tsharkArgs ? (tshark ? `; tshark ${tshark.toFixed(2)} s (pakeana ${(tshark / p.seconds).toFixed(1)}x faster)` : '; tshark not installed') : ''),
  );
}
