// Start-up (issue 16): pakeana runs from its start-up bundle (packages/cli/dist/bundle.js, built
// by `npm run build`), compiled from V8's code cache, with oclif's manifest; no other file of
// pakeana or oclif is loaded, zod is not, a plugin shares the bundle's framework, a stale
// bundle is not used, and a read of a tiny capture starts within a bound a slow machine keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
// Real paths, as Node names the files it loads.
const root = realpathSync(new URL('..', import.meta.url).pathname);
const cli = join(root, 'packages/cli');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-startup-'));

function write(path, content) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

test('the start-up bundle is as current as the sources (npm run build, which npm test runs, makes it)', () => {
  const { loadBundle } = require(join(cli, 'bin/start.js'));
  assert.ok(loadBundle(cli, { codeCache: false }), 'packages/cli/dist/bundle.js is missing or older than the compiled sources: run `npm run build` (a bare `npx tsc -b` leaves it stale)');
});

/** One HTTP exchange. */
const tiny = write(
  'tiny.pcap',
  pcapFile(
    new Conversation('10.0.0.1:40000', '10.0.0.2:80')
      .handshake()
      .send('client', 'GET /start HTTP/1.1\r\nHost: example\r\n\r\n')
      .send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
      .close().frames,
  ),
);

/** Loaded with --require: reports at exit the files Node compiled, the bundle's script and the libraries loaded. */
const probe = write(
  'probe.cjs',
  `const Module = require('node:module');
const vm = require('node:vm');
const compiled = [];
const scripts = [];
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  compiled.push(filename);
  return compile.apply(this, arguments);
};
vm.Script = class extends vm.Script {
  constructor(code, options) {
    super(code, options);
    if (options && options.filename) scripts.push({ filename: options.filename, cached: options.cachedData !== undefined, rejected: this.cachedDataRejected });
  }
};
process.on('exit', () => {
  const loaded = (name) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + name + '/'));
  const libraries = Object.fromEntries(['zod', 'yaml', 'tsyringe'].map((name) => [name, loaded(name)]));
  process.stderr.write('startup-probe ' + JSON.stringify({ compiled, scripts, libraries }) + '\\n');
});
`,
);

function probed(args, options = {}) {
  const run = runPakeana(args, { cwd: root, ...options, env: { NODE_OPTIONS: `--require ${probe}`, ...options.env } });
  const line = /^startup-probe (.*)$/m.exec(run.stderr);
  assert.ok(line, run.stderr);
  return { ...run, ...JSON.parse(line[1]) };
}

const bin = ['bin/run.js', 'bin/start.js'].map((file) => join(cli, file));
/** The files compiled from disk, less the libraries the bundle leaves out (they load on demand). */
const ownFiles = (run) => run.compiled.filter((file) => !/[\\/]node_modules[\\/](zod|yaml|tsyringe|re2js)[\\/]/.test(file));

test('a read runs from the bundle, compiled from its code cache: Node compiles only the two bin files, and zod does not load', () => {
  const run = probed(['read', tiny, '--all', '--no-color']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /10\.0\.0\.1:40000 == 10\.0\.0\.2:80/);
  assert.deepEqual(run.compiled, bin);
  assert.deepEqual(run.scripts, [{ filename: join(cli, 'dist/bundle.js'), cached: true, rejected: false }]);
  assert.deepEqual(run.libraries, { zod: false, yaml: false, tsyringe: false });
  // Without the bundle, every module is compiled from its own file (what the probe would see).
  const unbundled = probed(['read', tiny, '--all', '--no-color'], { env: { PAKEANA_NO_BUNDLE: '1' } });
  assert.equal(unbundled.status, 0, unbundled.stderr);
  assert.equal(unbundled.stdout, run.stdout);
  assert.ok(unbundled.compiled.length > 100, `${unbundled.compiled.length} files compiled`);
  assert.deepEqual(unbundled.scripts, []);
});

test('--plugin http, --help, plugins, config validate and config schema run from the bundle too', () => {
  const http = probed(['read', tiny, '--plugin', 'http', '--all', '--format', 'json']);
  assert.equal(http.status, 0, http.stderr);
  assert.deepEqual(http.sessions[0].http.map((r) => [r.method, r.uri, r.status]), [['GET', '/start', 200]]);
  assert.deepEqual(http.compiled, bin);
  assert.equal(http.libraries.zod, false);
  const help = probed(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^ {2}read +Read a pcap or pcapng file/m);
  assert.deepEqual(help.compiled, bin);
  const plugins = probed(['plugins']);
  assert.equal(plugins.status, 0, plugins.stderr);
  assert.match(plugins.stdout, /^ {2}http +ports 80/m);
  assert.deepEqual(ownFiles(plugins), bin);
  const config = write('config.yaml', 'plugins: [http]\ntriggers:\n  - http.status: { min: 500 }\n');
  const validate = probed(['config', 'validate', config]);
  assert.equal(validate.status, 0, validate.stderr);
  assert.equal(validate.stdout, `${config}: ok\n`);
  assert.deepEqual(ownFiles(validate), bin);
  assert.equal(validate.libraries.zod, true, 'a config is checked with zod');
  const schema = probed(['config', 'schema']);
  assert.equal(schema.status, 0, schema.stderr);
  assert.equal(JSON.parse(schema.stdout).type, 'object');
});

test("a plugin loaded by path gets the bundle's framework, not a second copy from disk", () => {
  const capture = write(
    'redis.pcap',
    pcapFile(new Conversation('10.1.0.1:50000', '10.1.0.2:6379').handshake().send('client', '*1\r\n$4\r\nPING\r\n').send('server', '+PONG\r\n').close().frames),
  );
  const run = probed(['read', capture, '--plugin', './examples/dissector-redis', '--option', 'redis.skip=[GET]', '--all', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.sessions[0].redis.map((r) => r.command), ['PING']);
  assert.deepEqual(ownFiles(run), [...bin, join(root, 'examples/dissector-redis/index.js')]);
});

test('plugins new loads its own file from disk, its framework and oclif from the bundle', () => {
  const run = probed(['plugins', 'new', 'smtp', '--dir', dir]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.compiled, [...bin, join(cli, 'dist/commands/plugins/new.js')]);
  assert.ok(statSync(join(dir, 'pakeana-dissector-smtp/test/fixtures/smtp.pcap')).size > 0);
});

test('the bundle is not used once the code it was built from has changed', () => {
  const index = JSON.parse(readFileSync(join(cli, 'dist/bundle.json'), 'utf8'));
  const stamped = index.stamps.map((s) => relative(root, resolve(cli, s.file)));
  for (const file of ['packages/cli/tsconfig.tsbuildinfo', 'packages/framework/tsconfig.tsbuildinfo', 'packages/dissector-http/tsconfig.tsbuildinfo', 'node_modules/.package-lock.json']) {
    assert.ok(stamped.includes(file), `${file} is stamped`);
  }
  // A copy of the bundle whose one stamp is a file of this test.
  const copy = join(dir, 'copy');
  mkdirSync(join(copy, 'dist'), { recursive: true });
  for (const file of ['bundle.js', 'bundle.cache']) copyFileSync(join(cli, 'dist', file), join(copy, 'dist', file));
  const stamp = write('copy/stamp', 'built');
  const { size, mtimeMs } = statSync(stamp);
  const base = relative(copy, resolve(cli, index.base));
  writeFileSync(join(copy, 'dist/bundle.json'), JSON.stringify({ ...index, base, stamps: [{ file: 'stamp', size, mtimeMs }] }));
  const loads = () => {
    const child = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(join(cli, 'bin/start.js'))}).loadBundle(${JSON.stringify(copy)}) !== null))`], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    return child.stdout === 'true';
  };
  assert.equal(loads(), true);
  writeFileSync(stamp, 'rebuilt');
  assert.equal(loads(), false);
});

test('a read of a tiny capture starts fast: median of 9 under 0.25 s', () => {
  const wall = (args) => {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  const read = [];
  const node = [];
  for (let i = 0; i < 9; i++) {
    read.push(wall([join(cli, 'bin/run.js'), 'read', tiny]));
    node.push(wall(['-e', '0']));
  }
  const figure = `pakeana read (tiny capture): ${median(read).toFixed(3)} s; node -e 0: ${median(node).toFixed(3)} s (medians of 9)`;
  console.log(figure);
  assert.ok(median(read) < 0.25, figure);
});
