// Dissection on demand (the default) against dissecting every session (--dissect-all): on
// every capture of the repository's fixtures, and of ../shared's corpus and public sets when
// they are there, the sessions printed (pretty and JSON) and the summary must be the same,
// but for what on-demand leaves out by design: the dissectors' marks of unreported sessions
// in the summary's mark counts, and the "Not dissected" count. Runs in one process (a
// process per run would take minutes), with the CLI's own run set-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCapture } from '@pakeana/framework/internal';
import { setupRun } from '../packages/cli/dist/run-setup.js';
import { everyCapture, pakeanaBin, sharedDir, TextStream } from './helpers.mjs';

process.env.TZ = 'UTC';
const here = new URL('.', import.meta.url).pathname;

// Triggers that read no records, so that dissection waits: miruo's defaults (mostly at the
// end), resets and long sessions (some mid-session), and ones that fire early on most sessions.
const TRIGGER_SETS = [{}, { reset: 'all', 'long-connect': 50 }, { 'long-connect': 0, retransmit: 0 }];

async function run(file, flags) {
  const stdout = new TextStream();
  const stderr = new TextStream();
  const setup = await setupRun({ plugin: ['http', 'tls'], color: false, ...flags }, { stdout, stderr });
  const { error } = await runCapture(file, { ...setup.pipeline, sinks: setup.sinks, pluginTimeout: 30 });
  return { stdout: stdout.text, stderr: stderr.text, error: error?.message ?? null };
}

/** The pretty summary without the rows on-demand changes by design (and those that vary run to run). */
function comparablePretty(text) {
  return text.replace(/^ {2}Not dissected.*\n/m, '').replace(/^ {2}Marked[^]*?(?=^Evicted)/m, '').replace(/^(Memory held|Peak memory|Elapsed).*\n/gm, '');
}

/** The JSON lines, the summary record without its on-demand and varying fields. */
function comparableJson(text) {
  return text.split('\n').map((line) => {
    if (!line.startsWith('{"type":"summary"')) return line;
    const summary = JSON.parse(line);
    for (const varies of ['notDissected', 'markedSessions', 'marks', 'elapsed', 'peakRss', 'memory']) delete summary[varies];
    return JSON.stringify(summary);
  });
}

const files = everyCapture();

test(`dissection on demand prints what dissecting every session prints (${files.length} captures)`, async (t) => {
  if (!existsSync(sharedDir)) t.diagnostic('no ../shared next to the clone: the committed fixtures only');
  let deferredAway = 0;
  let compared = 0;
  for (const file of files) {
    for (const triggers of TRIGGER_SETS) {
      for (const format of ['pretty', 'json']) {
        const flags = { ...triggers, format };
        const eager = await run(file, { ...flags, 'dissect-all': true });
        const onDemand = await run(file, flags);
        const what = `${file} ${JSON.stringify(flags)}`;
        assert.equal(onDemand.error, eager.error, what);
        if (format === 'pretty') {
          assert.equal(onDemand.stdout, eager.stdout, what);
          assert.equal(comparablePretty(onDemand.stderr), comparablePretty(eager.stderr), what);
          deferredAway += Number(/Not dissected\s*: (\d+)/.exec(onDemand.stderr)?.[1] ?? 0);
        } else {
          assert.deepEqual(comparableJson(onDemand.stdout), comparableJson(eager.stdout), what);
        }
        compared++;
      }
    }
  }
  t.diagnostic(`${compared} runs compared; ${deferredAway} sessions left undissected on demand`);
  // The comparison must have exercised deferral: sessions replayed and sessions never dissected.
  assert.ok(deferredAway > 0, 'no session was left undissected: on-demand never deferred');
});

test('read from a pipe, deferred sessions keep copies of their bytes: the same output as from the file, which is read again', () => {
  const file = join(here, 'fixtures/corpus/tcp-reset.pcap');
  const args = ['--plugin', 'http', '--reset', 'all', '--format', 'json'];
  const withoutTimes = (r) => r.stdout.replace(/"elapsed":[^,]+,"peakRss":\d+,"memory":\{[^}]*\}/, '');
  const fromFile = spawnSync(process.execPath, [pakeanaBin, 'read', file, ...args], { encoding: 'utf8' });
  const fromPipe = spawnSync('sh', ['-c', `cat "$0" | "${process.execPath}" "${pakeanaBin}" read - ${args.join(' ')}`, file], { encoding: 'utf8' });
  assert.equal(fromPipe.status, 0, fromPipe.stderr);
  assert.match(fromFile.stdout, /"http":\[\{/);
  assert.equal(withoutTimes(fromPipe), withoutTimes(fromFile));
});
