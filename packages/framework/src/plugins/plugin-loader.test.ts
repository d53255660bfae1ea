import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { API_VERSION } from './api-version.js';
import { loadPlugin, pluginCandidates, resolvePlugin } from './plugin-loader.js';

const root = mkdtempSync(join(tmpdir(), 'pakeana-loader-'));
const DISSECTOR = (name: string, version: number | null = 1) =>
  `module.exports = { ${version === null ? '' : `apiVersion: ${version}, `}name: '${name}', create: () => ({ data() {}, gap() {}, end() {} }) };\n`;

function write(path: string, text: string): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** An installed package in `root/dir/node_modules`. */
function writePackage(dir: string, name: string, files: Record<string, string>, main = 'index.js'): void {
  write(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '1.0.0', main }));
  for (const [file, text] of Object.entries(files)) write(join(dir, 'node_modules', name, file), text);
}

test('a short name means pakeana-dissector-, pakeana-trigger-, @pakeana/dissector-, @pakeana/trigger-, then the package as given', () => {
  assert.equal(API_VERSION, 1);
  assert.deepEqual(pluginCandidates('smtp'), ['pakeana-dissector-smtp', 'pakeana-trigger-smtp', '@pakeana/dissector-smtp', '@pakeana/trigger-smtp', 'smtp']);
  assert.deepEqual(pluginCandidates('@acme/smtp'), ['@acme/pakeana-dissector-smtp', '@acme/pakeana-trigger-smtp', '@acme/smtp']);
  assert.deepEqual(pluginCandidates('@pakeana/smtp'), ['@pakeana/dissector-smtp', '@pakeana/trigger-smtp', '@pakeana/smtp']);
  assert.deepEqual(pluginCandidates('pakeana-dissector-smtp'), ['pakeana-dissector-smtp']);
  assert.deepEqual(pluginCandidates('http'), ['@pakeana/dissector-http'], 'a bundled short name');
});

test('--plugin smtp finds pakeana-dissector-smtp before smtp, @scope/smtp finds @scope/pakeana-trigger-smtp, a bare package last', async () => {
  const dir = join(root, 'resolve');
  writePackage('resolve', 'pakeana-dissector-smtp', { 'index.js': DISSECTOR('smtp') });
  writePackage('resolve', 'pakeana-trigger-smtp', { 'index.js': DISSECTOR('smtp-trigger') });
  writePackage('resolve', '@acme/pakeana-trigger-smtp', { 'index.js': DISSECTOR('acme') });
  writePackage('resolve', 'smtp', { 'index.js': 'module.exports = { client: true };\n' });
  writePackage('resolve', 'imap', { 'index.js': DISSECTOR('imap-as-given') });
  assert.equal(resolvePlugin('smtp', dir), join(dir, 'node_modules/pakeana-dissector-smtp/index.js'));
  assert.equal(resolvePlugin('@acme/smtp', dir), join(dir, 'node_modules/@acme/pakeana-trigger-smtp/index.js'));
  assert.equal(resolvePlugin('imap', dir), join(dir, 'node_modules/imap/index.js'), 'no prefixed package: the name as given');
  const loaded = await loadPlugin('smtp', dir);
  assert.equal(loaded.label, 'pakeana-dissector-smtp');
  assert.equal((loaded.module.dissectors![0] as { name: string }).name, 'smtp');
});

test('a plugin not found: one line with the names tried', () => {
  assert.throws(
    () => resolvePlugin('pop3', root),
    new RegExp(`^PluginError: plugin 'pop3' not found: tried pakeana-dissector-pop3, pakeana-trigger-pop3, @pakeana/dissector-pop3, @pakeana/trigger-pop3, pop3 \\(from ${root} and from pakeana's installation\\)$`),
  );
  assert.throws(() => resolvePlugin('./nowhere', root), new RegExp(`^PluginError: plugin './nowhere' not found: no file or package at ${join(root, 'nowhere')}$`));
});

test('a package whose main was not built says so, by name and by path', () => {
  const dir = join(root, 'unbuilt');
  writePackage('unbuilt', 'pakeana-dissector-unbuilt', { 'src/index.ts': 'export {};\n' }, 'dist/index.js');
  assert.throws(() => resolvePlugin('unbuilt', dir), /^PluginError: package pakeana-dissector-unbuilt: main dist\/index\.js does not exist: was it built\?$/);
  assert.throws(() => resolvePlugin('./node_modules/pakeana-dissector-unbuilt', dir), /^PluginError: package pakeana-dissector-unbuilt: main dist\/index\.js does not exist: was it built\?$/);
});

test('a syntax error names the file and line, CommonJS and ES module alike', async () => {
  const cjs = write('syntax/broken.cjs', "module.exports = {\n  apiVersion: 1,\n}}\n");
  await assert.rejects(loadPlugin(cjs, root), { message: `plugin '${cjs}' (${cjs}) failed to load: ${cjs}:3: Unexpected token '}'` });
  const esm = write('syntax/broken.mjs', "export default {\n  apiVersion: 1,\n}}\n");
  await assert.rejects(loadPlugin(esm, root), { message: `plugin '${esm}' (${esm}) failed to load: ${esm}:3: Unexpected token '}'` });
  const throwing = write('syntax/throws.cjs', "const ok = 1;\nthrow new Error('no config for ' + ok);\n");
  await assert.rejects(loadPlugin(throwing, root), { message: `plugin '${throwing}' (${throwing}) failed to load: ${throwing}:2: no config for 1` });
});

test('a plugin must state the API version it was built for, and this one', async () => {
  const none = write('version/none.cjs', DISSECTOR('none', null));
  await assert.rejects(loadPlugin(none, root), {
    message: `plugin '${none}' (${none}) does not state the plugin API version it was built for: its export needs apiVersion: 1`,
  });
  const other = write('version/other.cjs', DISSECTOR('other', 2));
  await assert.rejects(loadPlugin(other, root), {
    message: `plugin '${other}' (${other}) was built for plugin API version 2, but this pakeana has plugin API version 1`,
  });
  const module = write('version/module.cjs', "module.exports = { apiVersion: 1, triggers: [] };\n");
  assert.deepEqual((await loadPlugin(module, root)).module, { apiVersion: 1, triggers: [] });
  const cls = write('version/class.cjs', "class D { static dissectorName = 'd'; static apiVersion = 1; }\nmodule.exports = D;\n");
  assert.equal((await loadPlugin(cls, root)).module.dissectors!.length, 1);
});
