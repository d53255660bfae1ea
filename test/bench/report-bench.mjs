// What a report costs and how fast it opens, on a capture: the run's wall time with and
// without --report (in turn, A B A B ..., medians), the file's size, and the time Chromium
// takes to open the page until its charts and table are drawn (medians), and to open a session.
// Usage: node test/bench/report-bench.mjs CAPTURE [ROUNDS] [-- extra read flags]
//   e.g. node test/bench/report-bench.mjs /dev/shm/bench.pcap 5 -- --plugin http
//        node test/bench/report-bench.mjs big.pcap 5 -- --plugin http --all
// (test/bench/report-capture.mjs makes a capture of 100,000 sessions.)
/* global document -- functions that run in the page */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [capture, rounds = '5', ...rest] = process.argv.slice(2);
const flags = rest[0] === '--' ? rest.slice(1) : rest;
const bin = new URL('../../packages/cli/bin/run.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pakeana-report-bench-'));
const report = join(dir, 'report.html');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(args) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, 'read', capture, ...flags, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return performance.now() - started;
}

const without = [];
const withReport = [];
for (let i = 0; i < Number(rounds); i++) {
  without.push(timed([]));
  withReport.push(timed(['--report', report]));
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const opens = [];
const sessions = [];
for (let i = 0; i < Number(rounds); i++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const started = performance.now();
  await page.goto(`file://${report}`, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('#overview canvas').length >= 2 && document.querySelector('.table-status'), null, { timeout: 120_000 });
  opens.push(performance.now() - started);
  if (await page.$('table.sessions tbody tr a')) {
    const clicked = performance.now();
    await page.click('table.sessions tbody tr a');
    await page.waitForSelector('svg.ladder');
    sessions.push(performance.now() - clicked);
  }
  await page.close();
}
await browser.close();
const rows = await import('node:fs').then(({ readFileSync }) => JSON.parse(/<script type="application\/json" id="report-summary">(.*?)<\/script>/s.exec(readFileSync(report, 'utf8'))[1]));
console.log(
  [
    `capture: ${capture} (read ${flags.join(' ')})`,
    `reported sessions: ${rows.reported} of ${rows.sessions}; report ${(statSync(report).size / 1048576).toFixed(1)} MiB`,
    `run without --report: ${(median(without) / 1000).toFixed(2)} s, with: ${(median(withReport) / 1000).toFixed(2)} s (x${(median(withReport) / median(without)).toFixed(2)}; medians of ${rounds}, in turn)`,
    `Chromium opens it in ${median(opens).toFixed(0)} ms (median of ${rounds}: ${opens.map((t) => t.toFixed(0)).join(', ')})${sessions.length ? `; a session page in ${median(sessions).toFixed(0)} ms` : ''}`,
  ].join('\n'),
);
rmSync(dir, { recursive: true });
