import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { defaultServices } from '../pipeline/services.js';
import { TriggerBuilder } from './trigger-builder.js';
import { MAX_CONFIG_BYTES, checkConfigText, loadConfig, type ConfigResult } from './config-file.js';

const registry = new PluginRegistry(defaultServices());
const triggers = new TriggerBuilder(registry, registry.services);
const dir = mkdtempSync(join(tmpdir(), 'pakeana-config-'));
const problems = (result: ConfigResult) => (result.ok ? [] : result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`));

/** Nine aliases of the level before on each of `levels` lines: 9^levels nodes once expanded. */
const aliasBomb = (levels: number) =>
  ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    .concat(Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`))
    .join('\n');

test('an alias bomb is a problem at the alias that expands most, not an exception', async () => {
  const started = Date.now();
  assert.deepEqual(problems(await checkConfigText(aliasBomb(8), registry, triggers)), ['9:10: Excessive alias count indicates a resource exhaustion attack']);
  assert.ok(Date.now() - started < 2000, 'measured, not expanded');
});

test('an alias without an anchor before it is a problem at that alias', async () => {
  const text = 'output:\n  format: json\ntriggers:\n  - *later\n  - &later all\n';
  assert.deepEqual(problems(await checkConfigText(text, registry, triggers)), ['4:5: Unresolved alias (the anchor must be set before the alias): later']);
});

test('anchors and aliases used sensibly are fine', async () => {
  const result = await checkConfigText('output: &out\n  format: json\nlimits:\n  sessions: &n 10\n  segmentsPerSession: *n\n', registry, triggers);
  assert.deepEqual(problems(result), []);
});

test('a file over 1 MiB is refused before it is parsed, with its size', async () => {
  const file = join(dir, 'big.yaml');
  const text = `output:\n  format: json\n${'#'.repeat(MAX_CONFIG_BYTES)}\n`;
  writeFileSync(file, text);
  assert.deepEqual(problems(await loadConfig(file, registry, triggers)), [`1:1: file is ${text.length} bytes, more than the 1 MiB a config may have`]);
  writeFileSync(file, `${'#'.repeat(MAX_CONFIG_BYTES - 1)}\n`);
  assert.deepEqual(problems(await loadConfig(file, registry, triggers)), [], 'a comment of exactly 1 MiB is read');
  const small = join(dir, 'small.yaml');
  writeFileSync(small, 'output:\n  format: json\n');
  assert.deepEqual(problems(await loadConfig(small, registry, triggers)), []);
  assert.deepEqual(problems(await loadConfig(join(dir, 'none.yaml'), registry, triggers)), ['1:1: no such file']);
});
