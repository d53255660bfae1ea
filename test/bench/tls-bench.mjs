#!/usr/bin/env node
// The TLS dissector's cost on the TLS benchmark capture (tls-benchcap.sh): `pakeana read FILE`
// and `read FILE --all --format json`, each without a dissector (TCP only) and with
// `--plugin tls`, run as fresh processes in turn (the VM's speed drifts, so the runs of each
// pair alternate), RUNS times (5 by default). Prints each configuration's median wall time and
// the ratio of TLS to TCP-only; output goes to /dev/null.
//
//   node test/bench/tls-bench.mjs /dev/shm/tls-bench.pcap [RUNS]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pakeana = fileURLToPath(new URL('../../packages/cli/bin/run.js', import.meta.url));
const [file, runsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tls-bench.mjs FILE [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const PAIRS = [
  { name: 'read (default triggers, pretty)', flags: [] },
  { name: 'read --all --format json', flags: ['--all', '--format', 'json'] },
];

function seconds(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [pakeana, 'read', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pakeana read ${file} ${args.join(' ')}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

for (const { name, flags } of PAIRS) {
  const tcp = [], tls = [];
  for (let i = 0; i < runs; i++) {
    tcp.push(seconds(flags));
    tls.push(seconds(['--plugin', 'tls', ...flags]));
  }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
  console.log(`${name}: TCP only ${median(tcp).toFixed(2)} s (${fmt(tcp)}), --plugin tls ${median(tls).toFixed(2)} s (${fmt(tls)}), ratio ${(median(tls) / median(tcp)).toFixed(3)}`);
}
