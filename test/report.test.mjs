// The HTML report (--report, pakeana report) as a user sees it: written by the CLI, opened in
// a real headless Chromium (Debian's chromium, driven by playwright-core): no console error,
// the charts drawn, the table listing the reported sessions, a session's page with its ladder
// and time-sequence graphs, no serious accessibility problem (axe-core) in light or dark mode,
// and screenshots of the overview and of a session page for a person to look at
// (PAKEANA_SCREENSHOTS=DIR says where; docs/images holds the README's). The browser tests are
// skipped, with the reason printed, where no Chromium can be started.
/* global document, window -- functions that run in the page */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';
import { statusOf, writeReportCapture } from './bench/report-capture.mjs';
import { Conversation } from '../packages/framework/dist/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pakeana-report-'));
const screenshots = process.env.PAKEANA_SCREENSHOTS ?? join(dir, 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SESSIONS = 3000;
const capture = join(dir, 'many.pcap');
writeReportCapture(capture, SESSIONS, 60);
const corpus = new URL('./fixtures/corpus/', import.meta.url).pathname;

/** The JSON of one of the page's data elements. */
function pageJson(html, id) {
  const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  assert.ok(match, id);
  return JSON.parse(match[1]);
}

test('pakeana report FILE -o OUT: every session, HTTP dissected, no session printed; the summary on stderr', () => {
  const out = join(dir, 'many.html');
  const run = runPakeana(['report', capture, '-o', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`Reported +: ${SESSIONS}\n`));
  assert.match(run.stderr, new RegExp(`pakeana: report written to ${out} \\(\\d+ KiB\\)\\n$`));
  const html = readFileSync(out, 'utf8');
  const data = pageJson(html, 'report-data');
  const summary = pageJson(html, 'report-summary');
  assert.equal(data.sessions.length, SESSIONS);
  assert.equal(summary.httpExchanges, SESSIONS);
  assert.equal(summary.fileBytes, statSync(out).size);
  // No network: nothing loaded from elsewhere.
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  // The generator's resets and 5xx.
  const statuses = [...Array(SESSIONS).keys()].map((i) => statusOf(i, SESSIONS));
  assert.equal(data.sessions.filter((r) => r.state === 'reset').length, statuses.filter((s) => s === null).length);
  assert.equal(data.timeline.http['5xx'].reduce((a, b) => a + b, 0), statuses.filter((s) => s?.startsWith('5')).length);
});

test('read --report with a trigger: the pretty output as usual, the report of the reported sessions beside it', () => {
  const out = join(dir, 'resets.html');
  const run = runPakeana(['read', capture, '--plugin', 'http', '--reset', '--report', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /RST break/);
  const data = pageJson(readFileSync(out, 'utf8'), 'report-data');
  assert.ok(data.sessions.length > 0 && data.sessions.every((r) => r.triggers.includes('tcp.reset')));
  // The timeline is over every session, not only the reported ones.
  assert.equal(data.timeline.sessions.reduce((a, b) => a + b, 0), SESSIONS);
});

test('pakeana report with a trigger flag reports only what fires', () => {
  const out = join(dir, 'report-resets.html');
  const run = runPakeana(['report', capture, '-o', out, '--reset']);
  assert.equal(run.status, 0, run.stderr);
  const data = pageJson(readFileSync(out, 'utf8'), 'report-data');
  assert.equal(data.sessions.length, [...Array(SESSIONS).keys()].filter((i) => statusOf(i, SESSIONS) === null).length);
  assert.ok(data.sessions.every((r) => r.triggers.join() === 'tcp.reset'));
});

test('--report to a missing directory: one line, status 2, before any packet is read', () => {
  const target = join(dir, 'no-such-dir', 'r.html');
  const run = runPakeana(['read', capture, '--report', target]);
  assert.deepEqual([run.status, run.stderr.trim(), run.stdout], [2, `pakeana: cannot write the report to ${target}: no such directory`, '']);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test("the README's report commands run, and write their reports", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### HTML report'));
  const commands = /```sh\n(.*?)```/s.exec(section)[1].trim().split('\n');
  assert.equal(commands.length, 2);
  const root = new URL('..', import.meta.url).pathname;
  for (const command of commands) {
    const args = command.replace(/^npx pakeana /, '').split(' ');
    const at = args.findIndex((a) => a === '-o' || a === '--report') + 1;
    const out = join(dir, `readme-${args[at]}`);
    args[at] = out;
    const run = runPakeana(args, { cwd: root });
    assert.equal(run.status, 0, `${command}: ${run.stderr}`);
    assert.ok(pageJson(readFileSync(out, 'utf8'), 'report-data').sessions.length > 0, command);
  }
});

test('@pakeana/report as npm packs it: the page assets are in the package and a report is written from it', () => {
  const root = new URL('..', import.meta.url).pathname;
  const modules = join(dir, 'installed', 'node_modules', '@pakeana');
  mkdirSync(modules, { recursive: true });
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: join(root, 'packages/report'), encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  mkdirSync(join(modules, 'report'));
  assert.equal(spawnSync('tar', ['xzf', join(dir, pack.stdout.trim()), '-C', join(modules, 'report'), '--strip-components=1']).status, 0);
  assert.ok(existsSync(join(modules, 'report', 'dist', 'page', 'page.js')) && existsSync(join(modules, 'report', 'dist', 'page', 'page.css')));
  assert.ok(!existsSync(join(modules, 'report', 'dist', 'page-types')) && !existsSync(join(modules, 'report', 'page')));
  // Its peer, the framework, as the workspace has it.
  symlinkSync(join(root, 'packages', 'framework'), join(modules, 'framework'));
  const out = join(dir, 'from-package.html');
  const script = `const { createReport } = require('@pakeana/report');
    const { SegmentRecorder, Statistics } = require('@pakeana/framework/internal');
    createReport(${JSON.stringify(out)}, new SegmentRecorder(10), { title: 'packed' }).sink.finish(new Statistics());`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: join(dir, 'installed'), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assert.ok(html.includes(readFileSync(join(modules, 'report', 'dist', 'page', 'page.css'), 'utf8')));
});

/** playwright-core's Chromium, or why there is none. */
async function launch() {
  if (!existsSync(CHROMIUM)) return { reason: `no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)` };
  try {
    const { chromium } = await import('playwright-core');
    return { browser: await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }) };
  } catch (error) {
    return { reason: `cannot start ${CHROMIUM}: ${error.message.split('\n')[0]}` };
  }
}

const { browser, reason } = await launch();
if (reason) console.log(`# report browser tests skipped: ${reason}`);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Opens a report; fails the test on any console error or page exception. */
async function open(file, colorScheme = 'light') {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => !r.url().startsWith('file:') && errors.push(`network request: ${r.url()}`));
  const started = Date.now();
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.querySelectorAll('#overview canvas').length === 4 && document.querySelector('table.sessions tbody tr'));
  return { page, errors, openedIn: Date.now() - started };
}

/** Pixels of a canvas that are not its background: something was drawn. */
const inkedPixels = (page, selector) =>
  page.$$eval(selector, (canvases) =>
    canvases.map((canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return inked;
    }),
  );

/** axe-core's serious and critical violations on the page as it is. */
async function accessibilityProblems(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('the report in Chromium: charts drawn, the sessions listed, sorted and filtered, a session page with its ladder; screenshots', { skip: reason }, async () => {
  const { page, errors, openedIn } = await open(join(dir, 'many.html'));
  assert.ok(openedIn < 3000, `opened in ${openedIn} ms`);
  const inked = await inkedPixels(page, '#overview canvas');
  assert.ok(inked.length === 4 && inked.every((n) => n > 500), `canvas pixels drawn: ${inked}`);
  assert.equal(await page.textContent('.table-status'), `${SESSIONS.toLocaleString('en-US')} of ${SESSIONS.toLocaleString('en-US')} sessions; rows 1–100`);
  assert.equal(await page.locator('table.sessions tbody tr').count(), 100);
  await page.fill('input[name=status]', '5xx');
  const statuses = await page.locator('table.sessions tbody tr td:nth-child(11)').allTextContents();
  assert.ok(statuses.length > 0 && statuses.every((s) => /^5\d\d$/.test(s)), statuses.join('|'));
  await page.fill('input[name=status]', '');
  await page.selectOption('select[name=trigger]', 'all');
  await page.click('table.sessions th:nth-child(3) button');
  await page.click('table.sessions th:nth-child(3) button');
  const durations = await page.locator('table.sessions tbody tr td:nth-child(3)').allTextContents();
  assert.equal(await page.getAttribute('table.sessions th:nth-child(3)', 'aria-sort'), 'descending');
  assert.match(durations[0], / ms$| s$/);
  mkdirSync(screenshots, { recursive: true });
  // The overview down to the first rows of the table.
  await page.setViewportSize({ width: 1280, height: 2000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, 'report-overview.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  // The longest session: its response was retransmitted.
  await page.click('table.sessions tbody tr:first-child td:nth-child(4)');
  await page.waitForSelector('svg.ladder');
  assert.match(await page.textContent('#session-page h1'), /^Session #\d+: 10\.[\d.]+:\d+ → 192\.0\.2\.80:80$/);
  assert.match(await page.textContent('pre.lines'), /DPI:HTTP:RequestLine >+ GET \//);
  const arrows = await page.locator('svg.ladder line.l-http').count();
  assert.equal(arrows, 2, 'the request and the response as the exchange\'s arrows');
  assert.ok((await page.locator('svg.ladder line.l-retrans').count()) >= 1, 'the retransmission');
  assert.ok((await page.locator('svg.ladder line').count()) >= 10);
  await page.waitForFunction(() => document.querySelectorAll('#session-page canvas').length === 2);
  const graphs = await inkedPixels(page, '#session-page canvas');
  assert.ok(graphs.every((n) => n > 500), `time-sequence pixels drawn: ${graphs}`);
  await page.screenshot({ path: join(screenshots, 'report-session.png'), fullPage: true });
  // Back to the overview, as it was.
  await page.goBack();
  await page.waitForSelector('#overview:not([hidden])');
  assert.equal(await page.locator('#session-page').count(), 0);
  assert.deepEqual(errors, []);
  console.log(`# report opened in ${openedIn} ms; screenshots in ${screenshots}`);
  await page.close();
});

test('the report passes axe-core with no serious or critical violation, in light and dark mode, overview and session page', { skip: reason }, async () => {
  for (const scheme of ['light', 'dark']) {
    const { page, errors } = await open(join(dir, 'many.html'), scheme);
    assert.deepEqual(await accessibilityProblems(page), [], `${scheme} overview`);
    await page.click('table.sessions tbody tr:nth-child(2) a');
    await page.waitForFunction(() => document.querySelectorAll('#session-page canvas').length === 2);
    assert.deepEqual(await accessibilityProblems(page), [], `${scheme} session page`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a report of a capture without HTTP, and one with nothing reported, open without error', { skip: reason }, async () => {
  const reset = join(dir, 'reset.html');
  assert.equal(runPakeana(['read', join(corpus, 'tcp-reset.pcap'), '--all', '--report', reset]).status, 0);
  const none = join(dir, 'none.html');
  assert.equal(runPakeana(['read', join(corpus, 'tcp-reset.pcap'), '--syn', '--report', none]).status, 0);
  for (const file of [reset, none]) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => document.querySelectorAll('#overview canvas').length === 2);
    assert.equal(await page.locator('#overview h2', { hasText: 'HTTP' }).count(), 0);
    assert.deepEqual(errors, [], file);
    await page.close();
  }
});

/** A pcapng of one HTTP exchange whose packets are stamped `micros(i, time)` (BigInt microseconds). */
function writePcapng(file, micros) {
  const block = (type, body) => {
    const length = 12 + body.length + ((4 - (body.length % 4)) % 4);
    const b = Buffer.alloc(length);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(length, 4);
    body.copy(b, 8);
    b.writeUInt32LE(length, length - 4);
    return b;
  };
  const section = Buffer.alloc(16);
  section.writeUInt32LE(0x1a2b3c4d, 0);
  section.writeUInt16LE(1, 4);
  section.writeBigInt64LE(-1n, 8);
  const iface = Buffer.alloc(8);
  iface.writeUInt16LE(1, 0);
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:80');
  c.handshake().send('client', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n').send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').close();
  const packets = c.frames.map((f, i) => {
    const time = micros(i, BigInt(Math.round(f.time * 1e6)));
    const head = Buffer.alloc(20);
    head.writeUInt32LE(Number(time >> 32n), 4);
    head.writeUInt32LE(Number(time & 0xffffffffn), 8);
    head.writeUInt32LE(f.data.length, 12);
    head.writeUInt32LE(f.data.length, 16);
    return block(6, Buffer.concat([head, f.data]));
  });
  writeFileSync(file, Buffer.concat([block(0x0a0d0d0a, section), block(1, iface), ...packets]));
}

test('timestamps far off (a first one beyond any date, one mid-capture, one at 0) are left out of the timeline, which says so; the page opens', { skip: reason }, async () => {
  const BROKEN = 0xffffffff00000000n;
  for (const [name, micros] of [
    ['first', (i, t) => (i === 0 ? BROKEN : t)],
    ['middle', (i, t) => (i === 4 ? BROKEN : t)],
    ['zero', (i, t) => (i === 0 ? 0n : t)],
  ]) {
    const capture = join(dir, `time-${name}.pcapng`);
    const out = join(dir, `time-${name}.html`);
    writePcapng(capture, micros);
    assert.equal(runPakeana(['report', capture, '-o', out]).status, 0);
    const { timeline } = pageJson(readFileSync(out, 'utf8'), 'report-data');
    assert.deepEqual([timeline.start, timeline.bin, timeline.packets.length], [1_700_000_000, 0.001, 9], name);
    const { page, errors } = await open(out);
    assert.match(await page.textContent('#overview'), /1 segments are left out of the timeline: their timestamps are outliers/);
    assert.match(await page.textContent('.figure'), /^Capture2023-11-14 22:13:20\.00\d UTC/);
    assert.deepEqual(errors, [], name);
    await page.close();
  }
});

test.after(() => browser?.close());
