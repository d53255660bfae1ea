// Plugins that fail must not take the run down (issue 12, finding 11): a trigger or a
// dissector that throws is isolated for that session, its session is marked, the failure is
// counted in the summary and printed once per plugin and message on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { pakeanaBin, runPakeana, writeEchoCapture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const frameworkPath = require.resolve('@pakeana/framework');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-hostile-plugins-'));

/** Three short sessions on port 7. */
function capture() {
  return writeEchoCapture(join(dir, 'three.pcap'), 3);
}

function plugin(name, body) {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(file, body);
  return file;
}

test('a trigger that throws on every segment: the run goes on, every session is still reported, one warning', () => {
  const trigger = plugin(
    'throwing-trigger',
    `const { lazySchema } = require(${JSON.stringify(frameworkPath)});
     module.exports = { apiVersion: 1, triggers: [{ name: 'test.throws', description: 'throws', options: lazySchema((z) => z.object({}).strict()), create: () => ({ name: 'test.throws',
       watch: () => ({ segment() { throw new Error('boom in segment'); } }) }) }] };`,
  );
  const config = join(dir, 'throws.yaml');
  writeFileSync(config, `plugins: [${JSON.stringify(trigger)}]\ntriggers: [all, test.throws]\n`);
  const run = runPakeana(['read', capture(), '--config', config, '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.sessions.length, 3);
  for (const s of run.sessions) assert.deepEqual(s.marks, ['trigger-error: test.throws: boom in segment']);
  assert.deepEqual(run.summary.pluginErrors, { 'test.throws': 3 });
  const warnings = run.stderr.split('\n').filter((l) => l.includes('boom in segment'));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(warnings[0], /^pakeana: warning: trigger test\.throws failed: boom in segment/);
});

test('a dissector that throws: marked, counted, one warning; with --debug the stack trace too', () => {
  const dissector = plugin(
    'throwing-dissector',
    `module.exports = { apiVersion: 1, name: 'thrower', ports: [7], create: () => ({ data() { throw new Error('bad bytes'); }, gap() {}, end() {} }) };`,
  );
  const file = capture();
  const run = runPakeana(['read', file, '--plugin', dissector, '--all', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.sessions.length, 3);
  for (const s of run.sessions) assert.ok(s.marks.includes('dissector-error: thrower: bad bytes'), JSON.stringify(s.marks));
  assert.deepEqual(run.summary.pluginErrors, { thrower: 3 });
  assert.equal(run.stderr.split('\n').filter((l) => l.includes('bad bytes')).length, 1, run.stderr);
  const pretty = runPakeana(['read', file, '--plugin', dissector, '--all', '--debug']);
  assert.equal(pretty.status, 0, pretty.stderr);
  assert.match(pretty.stderr, /dissector thrower failed: bad bytes[^\n]*\nError: bad bytes\n\s+at /);
  assert.match(pretty.stderr, /Plugin errors: thrower\s*: 3/);
});

test('a dissector whose data() never returns is stopped after limits.pluginTimeout and isolated for that session only', () => {
  const dissector = plugin(
    'hanging-dissector',
    `module.exports = { apiVersion: 1, name: 'hanger', ports: [7], create: (ctx) => ({
       data(dir, bytes) { if (bytes.toString().includes('hello 1')) for (;;); ctx.emit({ seen: bytes.toString() }); },
       gap() {}, end() {} }) };`,
  );
  const config = join(dir, 'timeout.yaml');
  writeFileSync(config, 'limits:\n  pluginTimeout: 300ms\n');
  const started = Date.now();
  const run = runPakeana(['read', capture(), '--plugin', dissector, '--config', config, '--all', '--format', 'json'], { timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.ok(Date.now() - started < 15_000, 'finished well before the test timeout');
  assert.equal(run.sessions.length, 3);
  const marks = run.sessions.map((s) => s.marks);
  assert.deepEqual(marks, [[], ['dissector-error: hanger: a call did not return within 300 ms'], []]);
  assert.deepEqual(
    run.sessions.map((s) => (s.hanger ?? []).map((r) => r.seen)),
    [['hello 0', 'hi'], [], ['hello 2', 'hi']],
    'the sessions after the stopped call are dissected as usual',
  );
  assert.deepEqual(run.summary.pluginErrors, { hanger: 1 });
});

test('a slow dissector (0.6 ms a call) is never cut: slow calls adding up over a chunk are not a stuck one', () => {
  // 2,000 sessions: 1 MiB of input makes about 3,000 calls, 1.8 s, past the 1 s timeout; a
  // guarded slice takes about 50 ms, far from it even on a busy machine.
  const dissector = plugin(
    'slow-dissector',
    `module.exports = { apiVersion: 1, name: 'slow', ports: [7], create: (ctx) => ({
       data(dir, bytes) { const until = performance.now() + 0.6; while (performance.now() < until); ctx.emit({ seen: bytes.length }); },
       gap() {}, end() {} }) };`,
  );
  const run = runPakeana(['read', writeEchoCapture(join(dir, 'many.pcap'), 2000), '--plugin', dissector, '--all', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.sessions.length, 2000);
  assert.deepEqual(run.summary.pluginErrors, {});
  assert.deepEqual(run.sessions.filter((s) => s.marks.length > 0 || s.slow.length !== 2), []);
});

test('Ctrl-C stops a run held by a plugin in an endless loop: sessions so far reported, summary printed', async () => {
  const dissector = plugin('hanging-forever', `module.exports = { apiVersion: 1, name: 'forever', ports: [7], create: () => ({ data() { for (;;); }, gap() {}, end() {} }) };`);
  const config = join(dir, 'long-timeout.yaml');
  writeFileSync(config, 'limits:\n  pluginTimeout: 1h\n');
  const child = spawn(process.execPath, [pakeanaBin, 'read', capture(), '--plugin', dissector, '--config', config, '--all', '--format', 'json']);
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  setTimeout(() => child.kill('SIGINT'), 1500);
  const started = Date.now();
  const [status] = await new Promise((resolve) => child.on('exit', (...r) => resolve(r)));
  assert.ok(Date.now() - started < 10_000);
  assert.equal(status, 0);
  const records = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.at(-1).type, 'summary');
  assert.ok(records.some((r) => r.type === 'session'), 'the session held by the plugin is reported');
});

test('a dissector whose end() never returns does not hold the end of the run', () => {
  const dissector = plugin(
    'hanging-end',
    `module.exports = { apiVersion: 1, name: 'endless', ports: [7], create: (ctx) => ({ data(dir, bytes) { ctx.emit({ seen: bytes.toString() }); }, gap() {},
       end() { for (;;); } }) };`,
  );
  const config = join(dir, 'end-timeout.yaml');
  writeFileSync(config, 'limits:\n  pluginTimeout: 200ms\n');
  const run = runPakeana(['read', capture(), '--plugin', dissector, '--config', config, '--all', '--format', 'json'], { timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.sessions.length, 3);
  for (const s of run.sessions) assert.ok(s.marks.includes('dissector-error: endless: a call did not return within 200 ms'), JSON.stringify(s.marks));
  assert.deepEqual(run.summary.pluginErrors, { endless: 3 });
});

test('a trigger whose end() never returns: every session is still finished and reported once', () => {
  const trigger = plugin(
    'endless-trigger',
    `const { lazySchema } = require(${JSON.stringify(frameworkPath)});
     module.exports = { apiVersion: 1, triggers: [{ name: 'test.endless', description: 'loops at the end', options: lazySchema((z) => z.object({}).strict()),
       create: () => ({ name: 'test.endless', watch: () => ({ end() { for (;;); } }) }) }] };`,
  );
  const config = join(dir, 'endless-trigger.yaml');
  writeFileSync(config, `plugins: [${JSON.stringify(trigger)}]\ntriggers: [all, test.endless]\nlimits:\n  pluginTimeout: 200ms\n`);
  const run = runPakeana(['read', capture(), '--config', config, '--format', 'json'], { timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.sessions.length, 3);
  for (const s of run.sessions) assert.deepEqual(s.marks, ['trigger-error: test.endless: a call did not return within 200 ms']);
  assert.deepEqual(run.summary.pluginErrors, { 'test.endless': 3 });
});
