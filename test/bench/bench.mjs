#!/usr/bin/env node
// Throughput benchmark: `npm run bench [-- FILE.pcap]`.
// Without a file it uses bench-data/bench.pcap, and makes it first with ../shared/lab/benchcap.sh
// (real HTTP traffic between network namespaces; needs root) when it is missing.
// Prints packets/s and peak RSS of `pakeana read` (TCP only, then with --plugin http), and the
// time tshark takes on the same file when tshark is installed.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const pakeana = join(root, 'packages/cli/bin/run.js');
const file = resolve(process.argv[2] ?? join(root, 'bench-data/bench.pcap'));
const runs = Number(process.env.BENCH_RUNS ?? 3);

function makeCapture() {
  const script = join(root, '../shared/lab/benchcap.sh');
  if (!existsSync(script)) throw new Error(`no capture at ${file}, and no ${script} to make one: pass a FILE`);
  mkdirSync(dirname(file), { recursive: true });
  console.log(`making ${file} with ${script} (P=4 N=45000 K=15: ~500k packets, 12k sessions)...`);
  const r = spawnSync('bash', [script, file], { stdio: 'inherit', env: { ...process.env, P: '4', N: '45000', K: '15' } });
  if (r.status !== 0) throw new Error('benchcap.sh failed (it needs root, ip netns and tcpdump)');
}

/** Best of `runs` wall times; peak RSS and packet count from pakeana's summary record. */
function timePakeana(extra) {
  let best = Infinity;
  let summary = null;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [pakeana, 'read', file, '--all', '--format', 'json', ...extra], { maxBuffer: 1 << 30, encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`pakeana failed: ${r.stderr}`);
    const last = r.stdout.trim().split('\n').pop();
    summary = JSON.parse(last);
    best = Math.min(best, seconds);
  }
  return { seconds: best, packets: summary.packets, sessions: summary.sessions, peakRss: summary.peakRss };
}

function timeTool(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) return null;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

if (!existsSync(file)) makeCapture();
const size = statSync(file).size;
console.log(`capture: ${file} (${(size / 1e6).toFixed(1)} MB); best of ${runs} runs`);
const rows = [];
for (const [label, extra, tsharkArgs] of [
  ['TCP sessions', [], ['-q', '-z', 'conv,tcp']],
  ['TCP + HTTP', ['--plugin', 'http'], ['-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.host']],
]) {
  const p = timePakeana(extra);
  const tshark = timeTool('tshark', ['-r', file, ...tsharkArgs]);
  rows.push({ label, ...p, tshark });
  const pps = p.packets / p.seconds;
  console.log(
    `${label.padEnd(13)} ${p.packets} packets, ${p.sessions} sessions: ${p.seconds.toFixed(2)} s, ` +
      `${(pps / 1e3).toFixed(0)}k packets/s, peak RSS ${(p.peakRss / 1048576).toFixed(0)} MiB` +
      (tshark ? `; tshark ${tshark.toFixed(2)} s (pakeana ${(tshark / p.seconds).toFixed(1)}x faster)` : '; tshark not installed'),
  );
}
