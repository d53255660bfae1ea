#!/usr/bin/env node
// The TLS dissector's cost on the TLS benchmark capture (tls-benchcap.sh): `pakeana read FILE`
// and `read FILE --all --format json`, each TCP only (no dissector), with the null dissector
// (null-dissector/: takes port 8443 and ignores the bytes, the framework's floor for any
// dissector) and with `--plugin tls`, as fresh processes in turn (the VM's speed drifts, so
// the three alternate), RUNS times (5 by default). Prints the medians of wall time and of CPU
// time (user + system, from /usr/bin/time: steadier than wall time on a shared machine) and
// the ratios of TLS to TCP only and to the null dissector; output goes to /dev/null.
//
//   node test/bench/tls-bench.mjs /dev/shm/tls-bench.pcap [RUNS]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pakeana = fileURLToPath(new URL('../../packages/cli/bin/run.js', import.meta.url));
const nullDissector = fileURLToPath(new URL('./null-dissector', import.meta.url));
const [file, runsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tls-bench.mjs FILE [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const OUTPUTS = [
  { name: 'read (default triggers, pretty)', flags: [] },
  { name: 'read --all --format json', flags: ['--all', '--format', 'json'] },
];
const DISSECTORS = [
  { name: 'TCP only', flags: [] },
  { name: 'null dissector', flags: ['--plugin', nullDissector] },
  { name: '--plugin tls', flags: ['--plugin', 'tls'] },
];

/** Wall and CPU seconds of one `pakeana read FILE ARGS`. */
function measure(args) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, pakeana, 'read', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`pakeana read ${file} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  const [wall, user, system] = r.stderr.match(/^TIME (\S+) (\S+) (\S+)$/m).slice(1).map(Number);
  return { wall, cpu: user + system };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const s = (x) => x.toFixed(2);

for (const output of OUTPUTS) {
  const times = DISSECTORS.map(() => []);
  for (let i = 0; i < runs; i++) DISSECTORS.forEach((d, k) => times[k].push(measure([...d.flags, ...output.flags])));
  const medians = times.map((t) => ({ wall: median(t.map((x) => x.wall)), cpu: median(t.map((x) => x.cpu)) }));
  console.log(`${output.name} (${runs} runs each, medians):`);
  DISSECTORS.forEach((d, k) => console.log(`  ${d.name.padEnd(15)} wall ${s(medians[k].wall)} s (${times[k].map((x) => s(x.wall)).join(' ')})  cpu ${s(medians[k].cpu)} s (${times[k].map((x) => s(x.cpu)).join(' ')})`));
  const [tcp, floor, tls] = medians;
  console.log(`  tls / TCP only: wall ${s(tls.wall / tcp.wall)}, cpu ${s(tls.cpu / tcp.cpu)}; tls / null dissector: wall ${s(tls.wall / floor.wall)}, cpu ${s(tls.cpu / floor.cpu)}`);
}
