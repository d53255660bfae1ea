// Problems a run meets are visible (issue 13, point 5): a session's marks are in the pretty
// header and counted in both summaries; a dissector that throws is printed once per dissector
// and message on stderr, counted, and with --debug carries its stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-visible-problems-'));

/**
 * Four SMTP sessions, their first client line telling the dissector what to do: mark, throw
 * (twice the same message, once another). Only the second is reset, so only it is reported
 * by the default triggers.
 */
function capture() {
  const lines = ['HELO odd', 'BAD 1', 'BAD 2', 'WORSE'];
  const frames = lines.flatMap((line, i) => {
    const c = new Conversation(`10.3.0.${i + 1}:4100${i}`, '10.3.0.100:25', { start: 1000 + i }).handshake().send('client', line);
    return (i === 1 ? c.reset('server') : c.send('server', '250 ok').close()).frames;
  });
  const file = join(dir, 'smtp.pcap');
  writeFileSync(file, pcapFile(frames));
  return file;
}

function plugin(name, body) {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, body);
  return file;
}

const smtp = plugin(
  'smtp',
  `module.exports = { apiVersion: 1, name: 'smtp', ports: [25], create: (ctx) => ({
     data(dir, bytes) {
       const line = bytes.toString();
       if (line.startsWith('HELO')) ctx.mark('smtp.odd-greeting');
       if (line.startsWith('BAD')) throw new Error('bad reply');
       if (line.startsWith('WORSE')) throw new Error('worse reply');
     },
     gap() {}, end() {} }) };`,
);

const warnings = (stderr) => stderr.split('\n').filter((l) => l.startsWith('pakeana: warning:'));

test('the pretty header shows each session\'s marks after its triggers; the summary counts them', () => {
  const run = runPakeana(['read', capture(), '--plugin', smtp, '--all', '--no-color']);
  assert.equal(run.status, 0, run.stderr);
  const headers = run.stdout.split('\n').filter((l) => /^\d{4} /.test(l));
  assert.deepEqual(
    headers.map((h) => h.replace(/^.*bytes /, '')),
    ['[all] marks: smtp.odd-greeting', '[all] marks: dissector-error: smtp: bad reply', '[all] marks: dissector-error: smtp: bad reply', '[all] marks: dissector-error: smtp: worse reply'],
  );
  const summary = run.stderr.split('\n');
  const marked = summary.indexOf('  Marked              : 4');
  assert.ok(marked > 0, run.stderr);
  assert.deepEqual(summary.slice(marked + 1, marked + 3), ['    smtp.odd-greeting : 1', '    dissector-error: smtp : 3']);
  assert.ok(summary.includes('Plugin errors: smtp   : 3'), run.stderr);
});

test('a dissector error is printed once per dissector and message, without a stack unless --debug', () => {
  const file = capture();
  const run = runPakeana(['read', file, '--plugin', smtp, '--format', 'json', '--dissect-all']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(warnings(run.stderr), [
    'pakeana: warning: dissector smtp failed: bad reply (isolated for that session; counted in the summary)',
    'pakeana: warning: dissector smtp failed: worse reply (isolated for that session; counted in the summary)',
  ]);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace without --debug');
  const debug = runPakeana(['read', file, '--plugin', smtp, '--format', 'json', '--dissect-all', '--debug']);
  assert.equal(debug.status, 0, debug.stderr);
  assert.equal(warnings(debug.stderr).length, 2);
  for (const message of ['bad reply', 'worse reply']) {
    const stack = new RegExp(`failed: ${message} \\(isolated[^\\n]*\\nError: ${message}\\n\\s+at Object\\.data \\(${smtp.replace(/[.]/g, '\\.')}:\\d+:\\d+\\)`);
    assert.match(debug.stderr, stack);
  }
});

test('the JSON summary counts marked sessions per mark, reported or not (with --dissect-all; else the dissected ones)', () => {
  const run = runPakeana(['read', capture(), '--plugin', smtp, '--format', 'json', '--dissect-all']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    run.sessions.map((s) => [s.triggers, s.marks]),
    [[['tcp.reset'], ['dissector-error: smtp: bad reply']]],
    'only the reset session is reported',
  );
  assert.equal(run.summary.sessions, 4);
  assert.equal(run.summary.markedSessions, 4);
  assert.deepEqual(run.summary.marks, { 'smtp.odd-greeting': 1, 'dissector-error: smtp': 3 });
  assert.deepEqual(run.summary.pluginErrors, { smtp: 3 });
  assert.equal(run.summary.notDissected, 0);
  // On demand (the default), the three sessions no trigger reports are not dissected: the same
  // sessions are reported, and the summary says how many were not dissected.
  const onDemand = runPakeana(['read', capture(), '--plugin', smtp, '--format', 'json']);
  assert.deepEqual(onDemand.sessions, run.sessions);
  assert.deepEqual([onDemand.summary.notDissected, onDemand.summary.markedSessions, onDemand.summary.pluginErrors], [3, 1, { smtp: 1 }]);
});

test('a probe that throws is isolated, marked, counted and printed like any dissector failure', () => {
  const prober = plugin(
    'prober',
    `module.exports = { apiVersion: 1, name: 'prober', probe() { throw new Error('probe fell over'); }, create: () => ({ data() {}, gap() {}, end() {} }) };`,
  );
  const run = runPakeana(['read', capture(), '--plugin', prober, '--all', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  for (const s of run.sessions) assert.deepEqual(s.marks, ['dissector-error: prober: probe fell over']);
  assert.deepEqual(run.summary.pluginErrors, { prober: 4 });
  assert.deepEqual(run.summary.marks, { 'dissector-error: prober': 4 });
  assert.deepEqual(warnings(run.stderr), ['pakeana: warning: dissector prober failed: probe fell over (isolated for that session; counted in the summary)']);
});

/** The README's code block that follows `intro`, as lines. */
function readmeBlock(intro) {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('```', readme.indexOf(intro));
  return readme.slice(readme.indexOf('\n', start) + 1, readme.indexOf('\n```', start)).split('\n');
}

test('the README\'s pretty and JSON examples are what the commands print', () => {
  const corpus = new URL('./fixtures/corpus/tcp-reset.pcap', import.meta.url).pathname;
  const pretty = readmeBlock('`pakeana read test/fixtures/corpus/tcp-reset.pcap --plugin http`:');
  const shown = pretty.slice(0, pretty.indexOf('...'));
  const run = runPakeana(['read', corpus, '--plugin', 'http', '--no-color']);
  assert.equal(run.status, 0, run.stderr);
  const printed = [...run.stdout.split('\n').filter(Boolean), ...run.stderr.split('\n')];
  assert.deepEqual(printed.slice(0, shown.length), shown);

  const json = runPakeana(['read', corpus, '--plugin', 'http', '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  const record = (lines) => JSON.parse(lines.join(''));
  assert.deepEqual(record(readmeBlock('--format json`, its first line:')), json.sessions[0]);
  const { elapsed, peakRss, ...summary } = record(readmeBlock('The summary record holds'));
  assert.deepEqual({ ...json.summary, elapsed, peakRss }, { ...summary, elapsed, peakRss });
});
