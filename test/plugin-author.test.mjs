// A plugin author's path, end to end, outside the repository: `pakeana plugins new smtp` from a
// packed and installed pakeana, then in the new package `npm install`, `npm run build`,
// `npm test` and `npm pack`; the plugin's tarball installed next to pakeana; `pakeana read` with
// the plugin's options from a YAML config and a `record:` trigger; `pakeana plugins` listing it
// with its options.
//
// Offline: the workspace's packages are packed into tarballs, and each npm install gets a
// lockfile whose registry packages are the workspace lockfile's (same versions and integrity),
// so npm takes them from its cache and asks the registry for nothing. When the cache does
// not hold them (a machine whose node_modules did not come from npm), the test is skipped
// with npm's reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('../packages/framework/dist/testing/index.js');

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'pakeana-author-'));
after(() => rmSync(work, { recursive: true, force: true }));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
const plugin = join(work, 'pakeana-dissector-smtp');
const NPM_FLAGS = ['--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=optional'];

/**
 * The environment without the npm_* variables of an `npm test` that runs this file (they
 * would steer the inner npm), nor node's test-runner context (the plugin's own `node --test`
 * would report to this runner instead of printing).
 */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_TEST_CONTEXT'));

function run(command, args, cwd, extraEnv = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...env, TZ: 'UTC', ...extraEnv }, timeout: 120_000, maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

const npm = (args, cwd) => run('npm', args, cwd);
const pakeana = (args) => run(process.execPath, [join(project, 'node_modules', 'pakeana', 'bin', 'run.js'), ...args], project);
const sessionsOf = (stdout) => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((r) => r.type === 'session');

/** The workspace packages packed: name -> { file, manifest, integrity }. */
function packWorkspaces() {
  mkdirSync(tarballs);
  const r = npm(['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', tarballs], root);
  assert.equal(r.status, 0, r.output);
  return new Map(
    JSON.parse(r.stdout).map((p) => {
      const file = join(tarballs, p.filename);
      const manifest = JSON.parse(readFileSync(join(root, 'node_modules', p.name, 'package.json'), 'utf8'));
      return [p.name, { file, manifest, integrity: `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}` }];
    }),
  );
}

/**
 * A package-lock.json for `manifest` at `dir`: the local packages from their tarballs, every
 * other package as the workspace lockfile has it (so, from npm's cache). `dev`: every entry is
 * a dev dependency (a plugin's build tools).
 */
function lockfile(dir, manifest, local, dev = false) {
  const workspace = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const locations = new Map(Object.entries(workspace).filter(([path, e]) => e.name && !path.includes('node_modules')).map(([path, e]) => [e.name, path]));
  const packages = { '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies, peerDependencies: manifest.peerDependencies } };
  /** The workspace lockfile path `name` resolves to from `from`, as Node looks up node_modules. */
  const resolve = (name, from) => {
    for (let at = from; ; at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '') {
      const path = `${at ? `${at}/` : ''}node_modules/${name}`;
      if (workspace[path] && !workspace[path].link) return path;
      if (!at) throw new Error(`${name} is not in the workspace lockfile`);
    }
  };
  const add = (name, from) => {
    const pkg = local.get(name);
    if (pkg) {
      const path = `node_modules/${name}`;
      if (packages[path]) return;
      const { version, dependencies, optionalDependencies, peerDependencies, bin, license, engines } = pkg.manifest;
      packages[path] = { version, resolved: `file:${relative(dir, pkg.file)}`, integrity: pkg.integrity, license, dependencies, optionalDependencies, peerDependencies, bin, engines, ...(dev ? { dev } : {}) };
      for (const dep of Object.keys({ ...dependencies, ...optionalDependencies })) add(dep, locations.get(name) ?? '');
      return;
    }
    const path = resolve(name, from);
    if (packages[path]) return;
    const entry = { ...workspace[path], dev: undefined, devOptional: undefined };
    packages[path] = { ...entry, ...(dev ? { dev } : {}) };
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) add(dep, path);
  };
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) add(name, '');
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/** Installs offline; null when it worked, else why it could not (npm's first error line). */
function install(dir, extra = []) {
  const r = npm(['install', ...NPM_FLAGS, ...extra], dir);
  if (r.status === 0) return null;
  if (/ENOTCACHED|not in the workspace lockfile|ENOTFOUND|EAI_AGAIN/.test(r.output)) return r.output.split('\n').find((l) => /error/.test(l)) ?? r.output;
  assert.fail(`npm install in ${dir} failed:\n${r.output}`);
}

test('a plugin author: scaffold, build, test, pack, install next to pakeana, run with options and a record trigger', { timeout: 300_000 }, async (t) => {
  const local = packWorkspaces();

  // pakeana, packed and installed into an empty project.
  mkdirSync(project);
  const projectManifest = { name: 'capture-analysis', version: '1.0.0', private: true, dependencies: Object.fromEntries([...local].map(([name, p]) => [name, `file:${relative(project, p.file)}`])) };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(projectManifest, null, 2)}\n`);
  let why;
  try {
    lockfile(project, projectManifest, local);
    why = install(project);
  } catch (error) {
    why = error.message;
  }
  if (why) return t.skip(`cannot install offline here: ${why}`);

  // The documented command, from the installed pakeana.
  const created = pakeana(['plugins', 'new', 'smtp', '--dir', work]);
  assert.equal(created.status, 0, created.output);
  assert.match(created.stdout, /Created pakeana-dissector-smtp/);
  const again = pakeana(['plugins', 'new', 'smtp', '--dir', work]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists: nothing was written/);

  // The author's loop, in the new package.
  const pluginManifest = JSON.parse(readFileSync(join(plugin, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(pluginManifest.peerDependencies), ['@pakeana/framework']);
  lockfile(plugin, pluginManifest, local, true);
  why = install(plugin);
  if (why) return t.skip(`cannot install the plugin's devDependencies offline here: ${why}`);
  const build = npm(['run', 'build'], plugin);
  assert.equal(build.status, 0, build.output);
  const tests = npm(['test'], plugin);
  assert.equal(tests.status, 0, tests.output);
  assert.match(tests.stdout, /# pass [1-9]\d*\n# fail 0/);
  const pack = npm(['pack', '--json'], plugin);
  assert.equal(pack.status, 0, pack.output);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
  assert.deepEqual(packed.files.map((f) => f.path).sort(), ['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);

  // The golden file, rewritten as the test kit guide says: unchanged for the generated capture.
  const expected = join(plugin, 'test', 'fixtures', 'smtp.expected.json');
  const golden = readFileSync(expected, 'utf8');
  const rewrite = run('npm', ['test'], plugin, { UPDATE_GOLDEN: '1' });
  assert.equal(rewrite.status, 0, rewrite.output);
  assert.equal(readFileSync(expected, 'utf8'), golden);

  // A trigger package the same way (its build tools are the dissector package's).
  const trigger = join(work, 'pakeana-trigger-slow-smtp');
  assert.equal(pakeana(['plugins', 'new', 'slow-smtp', '--kind', 'trigger', '--dir', work]).status, 0);
  symlinkSync(join(plugin, 'node_modules'), join(trigger, 'node_modules'), 'dir');
  const triggerTests = npm(['test'], trigger);
  assert.equal(triggerTests.status, 0, triggerTests.output);
  assert.match(triggerTests.stdout, /# pass [1-9]\d*\n# fail 0/);

  // The plugin's tarball installed next to pakeana, as a user would.
  const added = npm(['install', ...NPM_FLAGS, join(plugin, packed.filename)], project);
  assert.equal(added.status, 0, added.output);

  // Options from the config reach the plugin: with errorFrom 500 only the 550 reply is an error,
  // so the record trigger reports only that session (by default the 450 of the other is one too).
  const capture = join(plugin, 'test', 'fixtures', 'smtp.pcap');
  const config = (dissectors) => {
    const file = join(work, `pakeana-${dissectors ? 'options' : 'defaults'}.yaml`);
    writeFileSync(file, ['plugins: [smtp]', ...(dissectors ? ['dissectors:', `  smtp: ${dissectors}`] : []), 'triggers:', '  - record: { protocol: smtp, where: { error: true } }', ''].join('\n'));
    return file;
  };
  const withOptions = pakeana(['read', capture, '--config', config('{ errorFrom: 500 }'), '--format', 'json']);
  assert.equal(withOptions.status, 0, withOptions.output);
  const [reported, ...others] = sessionsOf(withOptions.stdout);
  assert.deepEqual(others, []);
  assert.equal(reported.client.port, 40001);
  assert.equal(reported.protocol, 'smtp');
  assert.deepEqual(reported.smtp.map((r) => [r.command, r.code, r.error]), [[null, 220, false], ['EHLO', 250, false], ['MAIL', 250, false], ['RCPT', 550, true], ['QUIT', 221, false]]);
  const defaults = pakeana(['read', capture, '--config', config(null), '--format', 'json']);
  assert.equal(defaults.status, 0, defaults.output);
  assert.deepEqual(sessionsOf(defaults.stdout).map((s) => [s.client.port, s.smtp.at(-1).error]), [[40001, false], [40002, true]]);
  const flag = pakeana(['read', capture, '--config', config(null), '--option', 'smtp.errorFrom=500', '--format', 'json']);
  assert.equal(flag.status, 0, flag.output);
  assert.deepEqual(sessionsOf(flag.stdout).map((s) => s.client.port), [40001]);
  const pretty = pakeana(['read', capture, '--config', config('{ errorFrom: 500 }'), '--no-color']);
  assert.equal(pretty.status, 0, pretty.output);
  assert.match(pretty.stdout, /DPI:SMTP:Reply .*550 no such user/);

  // A bad option is a config problem with its place.
  const bad = pakeana(['read', capture, '--config', config('{ errorFrom: 42 }')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /pakeana-options\.yaml:\d+:\d+: dissectors\.smtp\.errorFrom: /);

  // The trigger package, loaded by path: sessions whose server sent more than 100 bytes.
  writeFileSync(join(work, 'bytes.yaml'), 'plugins: [smtp]\ntriggers:\n  - slow-smtp: { over: 100, side: server }\n');
  const big = pakeana(['read', capture, '--plugin', trigger, '--config', join(work, 'bytes.yaml'), '--format', 'json']);
  assert.equal(big.status, 0, big.output);
  assert.deepEqual(sessionsOf(big.stdout).map((s) => [s.client.port, s.bytes.server, s.triggers]), [[40001, 112, ['slow-smtp']]]);

  // pakeana plugins finds the installed package and lists its options.
  const listed = pakeana(['plugins', '--json']);
  assert.equal(listed.status, 0, listed.output);
  const smtp = JSON.parse(listed.stdout).dissectors.find((d) => d.name === 'smtp');
  assert.ok(smtp, listed.stdout);
  assert.equal(smtp.plugin, 'pakeana-dissector-smtp');
  assert.match(JSON.stringify(smtp), /errorFrom[^]*maxLineLength/);
});

test('plugins new: names checked, scopes, placeholders all filled, nothing overwritten', () => {
  const dir = mkdtempSync(join(work, 'new-'));
  const made = runPakeana(['plugins', 'new', '@acme/smtp', '--dir', dir]);
  assert.equal(made.status, 0, made.stderr);
  const created = join(dir, 'pakeana-dissector-smtp');
  assert.equal(JSON.parse(readFileSync(join(created, 'package.json'), 'utf8')).name, '@acme/pakeana-dissector-smtp');
  const files = [];
  const walk = (at) => readdirSync(at).forEach((entry) => (statSync(join(at, entry)).isDirectory() ? walk(join(at, entry)) : files.push(join(at, entry))));
  walk(created);
  assert.deepEqual(files.map((f) => relative(created, f)).sort(), [
    '.gitignore',
    'README.md',
    'package.json',
    'src/golden.test.ts',
    'src/index.test.ts',
    'src/index.ts',
    'test/fixtures/smtp.expected.json',
    'test/fixtures/smtp.pcap',
    'tsconfig.json',
  ]);
  for (const file of files.filter((f) => !f.endsWith('.pcap'))) assert.doesNotMatch(readFileSync(file, 'utf8'), /__[A-Z_]+__/, file);
  for (const bad of ['Smtp', 'my--proto', '1smtp', 'smtp.x', '@Acme/smtp', 'a/b/c', '']) {
    const refused = runPakeana(['plugins', 'new', bad, '--dir', dir]);
    assert.equal(refused.status, 2, bad);
    assert.match(refused.stderr, /^pakeana: "[^"]*": a (plugin name|scope) is /, bad);
  }
  const twice = runPakeana(['plugins', 'new', 'smtp', '--dir', dir]);
  assert.equal(twice.status, 2);
  assert.equal(twice.stderr, `pakeana: ${created} already exists: nothing was written (choose another name or --dir)\n`);
});

test('the trigger guide\'s config: the example trigger package beside the example dissector, alone and inside match', () => {
  const guide = readFileSync(join(root, 'docs', 'writing-a-trigger.md'), 'utf8');
  const yaml = /```yaml\n([^]*?)```/.exec(guide)[1];
  const dir = mkdtempSync(join(work, 'guide-'));
  writeFileSync(join(dir, 'slow.yaml'), yaml);
  const frames = [0.01, 0.5].flatMap((delay, i) => {
    const c = new Conversation(`10.1.0.1:${50001 + i}`, '10.1.0.2:6379', { start: 1_700_000_000 + i });
    c.handshake().send('client', '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n').wait(delay).send('server', '$5\r\nvalue\r\n');
    return c.close().frames;
  });
  writeFileSync(join(dir, 'redis.pcap'), pcapFile(frames));
  const r = runPakeana(['read', join(dir, 'redis.pcap'), '--config', join(dir, 'slow.yaml'), '--format', 'json'], { cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.sessions.map((s) => [s.client.port, s.triggers]), [[50002, ['redis.slow', 'match']]]);
});
