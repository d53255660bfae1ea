// The plugin platform (issue 13): dissector options from the config and --option, validated
// and located; the framework's entry points (exports map) and API version; plugin names
// resolved as eslint and babel do, duplicates refused, load errors in one line; a class
// dissector installed with its own copy of the framework gets its services by injection;
// the packages ship no tests and declare the framework as a peer; a minimal author tsconfig
// compiles against the packed framework.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile } = require('@pakeana/framework/testing');
const root = new URL('..', import.meta.url).pathname;
const modules = join(root, 'node_modules');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-platform-'));
const redis = './examples/dissector-redis';

function write(path, text) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** GET (a bulk reply), SET (an error reply), PING: on port 6379. */
const redisCapture = write(
  'redis.pcap',
  pcapFile(
    new Conversation('10.1.0.1:50000', '10.1.0.2:6379')
      .handshake()
      .send('client', '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n')
      .send('server', '$5\r\nvalue\r\n')
      .send('client', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n')
      .send('server', '-ERR read only\r\n')
      .send('client', '*1\r\n$4\r\nPING\r\n')
      .send('server', '+PONG\r\n')
      .close().frames,
  ),
);
const plainCapture = join(root, 'test/fixtures/corpus/tcp-reset.pcap');

const readRedis = (args, options = {}) => runPakeana(['read', redisCapture, '--plugin', redis, '--all', '--format', 'json', ...args], { cwd: root, ...options });
const commands = (run) => run.sessions[0].redis.map((r) => r.command);

test('dissector options: defaults, the config\'s dissectors: section, --option over it (YAML values, dotted keys)', () => {
  const plain = readRedis([]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual(commands(plain), ['GET', 'SET', 'PING']);
  assert.deepEqual(plain.sessions[0].marks, ['redis.error-reply']);
  const config = write('redis-options.yaml', 'dissectors:\n  redis:\n    skip: [ping, get]\n    markErrors: false\n');
  const configured = readRedis(['--config', config]);
  assert.equal(configured.status, 0, configured.stderr);
  assert.deepEqual(commands(configured), ['SET']);
  assert.deepEqual(configured.sessions[0].marks, []);
  const flagged = readRedis(['--config', config, '--option', 'redis.skip=[SET]', '-o', 'redis.markErrors=true']);
  assert.equal(flagged.status, 0, flagged.stderr);
  assert.deepEqual(commands(flagged), ['GET', 'PING'], 'the flag replaces the config\'s list');
  assert.deepEqual(flagged.sessions[0].marks, ['redis.error-reply'], 'true read as a boolean');
});

test('the commands and the config of the README and the guide', () => {
  const documented = runPakeana(['read', redisCapture, '--plugin', './examples/dissector-redis', '--option', 'redis.skip=[PING]', '--all', '--no-color'], { cwd: root });
  assert.equal(documented.status, 0, documented.stderr);
  assert.match(documented.stdout, /^DPI:REDIS:Command >+ GET key$/m);
  const readme = write('readme-dissectors.yaml', 'plugins: [./examples/dissector-redis]\ndissectors:\n  redis: { skip: [PING], markErrors: false }\n');
  const validate = runPakeana(['config', 'validate', readme], { cwd: root });
  assert.equal(validate.status, 0, validate.stderr);
  const json = readRedis(['--config', readme]);
  assert.deepEqual(commands(json), ['GET', 'SET']);
  assert.deepEqual(json.sessions[0].marks, []);
});

test('bad dissector options: FILE:LINE:COL in the config, one line naming the flag, an unknown name lists the known ones', () => {
  const config = write('bad-options.yaml', 'plugins: [./examples/dissector-redis]\ndissectors:\n  redis:\n    maxValue: 0\n    skipp: [PING]\n  rediss: {}\n');
  const expected = [
    `${config}:4:15: dissectors.redis.maxValue: Too small: expected number to be >0`,
    `${config}:5:5: dissectors.redis.skipp: unknown key "skipp"`,
    `${config}:6:3: dissectors.rediss: unknown dissector "rediss" (known: redis)`,
  ];
  const validate = runPakeana(['config', 'validate', config], { cwd: root });
  assert.equal(validate.status, 2);
  assert.deepEqual(validate.stderr.trim().split('\n'), expected);
  const read = runPakeana(['read', plainCapture, '--config', config], { cwd: root });
  assert.equal(read.status, 2);
  assert.deepEqual(read.stderr.trim().split('\n'), expected);
  const misspelt = write('misspelt.yaml', 'dissectors:\n  smtpp:\n    port: 25\n');
  const withHttp = runPakeana(['config', 'validate', misspelt, '--plugin', 'http'], { cwd: root });
  assert.equal(withHttp.stderr.trim(), `${misspelt}:2:3: dissectors.smtpp: unknown dissector "smtpp" (known: http)`);

  const flag = readRedis(['--option', 'redis.maxValue=lots']);
  assert.equal(flag.status, 2);
  assert.equal(flag.stderr.trim(), 'pakeana: --option redis.maxValue=lots: Invalid input: expected number, received string');
  const unknown = readRedis(['--option', 'smtp.port=25']);
  assert.equal(unknown.stderr.trim(), 'pakeana: --option smtp.port=25: unknown dissector "smtp" (known: redis)');
  const shape = readRedis(['--option', 'redis=1']);
  assert.equal(shape.status, 2);
  assert.equal(shape.stderr.trim(), 'pakeana: --option redis=1: expected NAME.key=value (the dissector\'s name, the option, its value)');
  const unknownKey = readRedis(['--plugin', 'http', '--option', 'http.x=1']);
  assert.equal(unknownKey.stderr.trim(), 'pakeana: --option http.x=1: unknown key "x"');
});

test('pakeana plugins shows each option with its type, default and description; config schema has dissectors.NAME', () => {
  const list = runPakeana(['plugins', '--plugin', redis, '--json'], { cwd: root });
  assert.equal(list.status, 0, list.stderr);
  const entry = JSON.parse(list.stdout).dissectors.find((d) => d.name === 'redis');
  assert.equal(entry.plugin, 'pakeana-dissector-redis');
  assert.deepEqual(entry.options, [
    { name: 'skip', type: 'string[]', description: 'commands left out of the records, e.g. [PING]', default: [], required: false },
    { name: 'markErrors', type: 'boolean', description: 'mark the session redis.error-reply on an error reply', default: true, required: false },
    { name: 'maxValue', type: 'integer', description: 'bytes of one direction kept while a value is incomplete', default: 65536, required: false },
  ]);
  const text = runPakeana(['plugins', '--plugin', redis], { cwd: root });
  assert.match(text.stdout, /^ {6}skip: string\[\] = \[\] +commands left out of the records, e\.g\. \[PING\]$/m);
  const schema = JSON.parse(runPakeana(['config', 'schema', '--plugin', redis], { cwd: root }).stdout);
  const dissectors = schema.properties.dissectors;
  assert.equal(dissectors.additionalProperties, false);
  const options = dissectors.properties.redis.anyOf[0];
  assert.deepEqual(Object.keys(options.properties), ['skip', 'markErrors', 'maxValue']);
  assert.equal(options.additionalProperties, false);
  assert.equal(options.properties.maxValue.default, 65536);
});

test('the framework\'s entry points: the plugin API on ., the test kit on ./testing, the rest on ./internal only', () => {
  const script = `
    const api = require('@pakeana/framework');
    const testing = require('@pakeana/framework/testing');
    const internal = require('@pakeana/framework/internal');
    let deep = 'exported';
    try { require('@pakeana/framework/dist/pipeline/pipeline.js'); } catch (e) { deep = e.code; }
    console.log(JSON.stringify({ api: Object.keys(api).sort(), testing: Object.keys(testing).sort(), internal: Object.keys(internal).length, registry: typeof internal.PluginRegistry, deep, version: api.API_VERSION }));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const names = JSON.parse(r.stdout);
  assert.deepEqual(names.api, ['API_VERSION', 'SegmentClass', 'SegmentMark', 'TcpFlag', 'Tokens', 'duration', 'inject', 'injectable', 'isRecord', 'lazySchema', 'parseDuration', 'parseSize', 'seqDiff', 'size']);
  for (const name of ['Conversation', 'dissectCapture', 'dissectFrames', 'growth', 'pcapFile', 'tcpFrame']) assert.ok(names.testing.includes(name), name);
  assert.equal(names.registry, 'function');
  assert.ok(names.internal > 50);
  assert.equal(names.deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  assert.equal(names.version, 1);
});

/** A plugin package installed in `dir/node_modules/NAME`. */
function installPackage(name, files, manifest = {}) {
  const base = join('installed/node_modules', name);
  write(join(base, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js', ...manifest }));
  for (const [file, text] of Object.entries(files)) write(join(base, file), text);
  return join(dir, base);
}
const installed = join(dir, 'installed');
const smtpPlugin = (name) =>
  `module.exports = { apiVersion: 1, name: ${JSON.stringify(name)}, ports: [7], create: (ctx) => ({ data(dir, b) { ctx.emit({ said: String(b) }); }, gap() {}, end() {} }) };\n`;

test('--plugin smtp finds pakeana-dissector-smtp (before an smtp package); a name not found lists the names tried', () => {
  installPackage('pakeana-dissector-smtp', { 'index.js': smtpPlugin('smtp') });
  installPackage('smtp', { 'index.js': 'module.exports = { sendMail() {} };\n' });
  const capture = write('seven.pcap', pcapFile(new Conversation('10.2.0.1:40000', '10.2.0.100:7').handshake().send('client', 'HELO').close().frames));
  const run = runPakeana(['read', capture, '--plugin', 'smtp', '--all', '--format', 'json'], { cwd: installed });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.sessions[0].smtp, [{ said: 'HELO' }]);
  const missing = runPakeana(['read', capture, '--plugin', 'pop3'], { cwd: installed });
  assert.equal(missing.status, 2);
  assert.equal(
    missing.stderr,
    `pakeana: plugin 'pop3' not found: tried pakeana-dissector-pop3, pakeana-trigger-pop3, @pakeana/dissector-pop3, @pakeana/trigger-pop3, pop3 (from ${installed} and from pakeana's installation)\n`,
  );
});

test('two plugins with one name: an error naming both packages; the same package named twice is fine', () => {
  installPackage('pakeana-dissector-myhttp', { 'index.js': smtpPlugin('http') });
  const twice = runPakeana(['read', plainCapture, '--plugin', 'myhttp', '--plugin', 'http'], { cwd: installed });
  assert.equal(twice.status, 2);
  assert.equal(twice.stderr, 'pakeana: two plugins bring the dissector "http": pakeana-dissector-myhttp and @pakeana/dissector-http\n');
  installPackage('pakeana-trigger-reset', { 'index.js': `module.exports = { apiVersion: 1, triggers: [{ name: 'tcp.reset', description: 'mine', options: {}, create() {} }] };\n` });
  const trigger = runPakeana(['read', plainCapture, '--plugin', 'reset'], { cwd: installed });
  assert.equal(trigger.stderr, 'pakeana: two plugins bring the trigger "tcp.reset": @pakeana/trigger-tcp and pakeana-trigger-reset\n');
  const same = runPakeana(['read', plainCapture, '--plugin', 'http', '--plugin', '@pakeana/dissector-http', '--format', 'json'], { cwd: root });
  assert.equal(same.status, 0, same.stderr);
});

test('load errors in one line: an unbuilt main, a syntax error with file:line, another API version, none stated', () => {
  installPackage('pakeana-dissector-unbuilt', { 'src/index.ts': 'export {};\n' }, { main: 'dist/index.js' });
  const unbuilt = runPakeana(['read', plainCapture, '--plugin', 'unbuilt'], { cwd: installed });
  assert.equal(unbuilt.stderr, 'pakeana: package pakeana-dissector-unbuilt: main dist/index.js does not exist: was it built?\n');
  const broken = installPackage('pakeana-dissector-broken', { 'index.js': 'module.exports = {\n  apiVersion: 1,\n}}\n' });
  const syntax = runPakeana(['read', plainCapture, '--plugin', 'broken'], { cwd: installed });
  assert.equal(syntax.stderr, `pakeana: plugin 'broken' (pakeana-dissector-broken) failed to load: ${broken}/index.js:3: Unexpected token '}'\n`);
  const esm = installPackage('pakeana-dissector-esm', { 'index.mjs': 'export default {\n  apiVersion: 1,\n}}\n' }, { main: 'index.mjs' });
  const esmSyntax = runPakeana(['read', plainCapture, '--plugin', 'esm'], { cwd: installed });
  assert.equal(esmSyntax.stderr, `pakeana: plugin 'esm' (pakeana-dissector-esm) failed to load: ${esm}/index.mjs:3: Unexpected token '}'\n`);
  installPackage('pakeana-dissector-future', { 'index.js': smtpPlugin('future').replace('apiVersion: 1', 'apiVersion: 2') });
  const future = runPakeana(['read', plainCapture, '--plugin', 'future'], { cwd: installed });
  assert.equal(future.status, 2);
  assert.equal(future.stderr, "pakeana: plugin 'future' (pakeana-dissector-future) was built for plugin API version 2, but this pakeana has plugin API version 1\n");
  installPackage('pakeana-dissector-old', { 'index.js': smtpPlugin('old').replace('apiVersion: 1, ', '') });
  const old = runPakeana(['read', plainCapture, '--plugin', 'old'], { cwd: installed });
  assert.equal(old.stderr, "pakeana: plugin 'old' (pakeana-dissector-old) does not state the plugin API version it was built for: its export needs apiVersion: 1\n");
});

/** The framework as npm packs it (the published files), extracted once into a fresh directory. */
let packed;
function packedFramework() {
  return (packed ??= packFramework());
}

function packFramework() {
  const out = mkdtempSync(join(tmpdir(), 'pakeana-pack-'));
  const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: join(root, 'packages/framework'), encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const tar = spawnSync('tar', ['xzf', join(out, pack.stdout.trim()), '-C', out]);
  assert.equal(tar.status, 0);
  return join(out, 'package');
}

/**
 * A class dissector in a package with its own copy of the framework and of tsyringe (as npm
 * installs a plugin whose peer range the run's framework does not meet): decorated with its
 * copy, built by the run's container, given its options, its own logger and the clock.
 */
test('a class dissector installed with its own copy of the framework gets options, logger and clock by injection', () => {
  const plugin = installPackage('pakeana-dissector-greeter', {
    'index.js': `
      const { API_VERSION, Tokens, inject, injectable, lazySchema } = require('@pakeana/framework');
      class Greeter {
        constructor(settings, logger, clock) { this.name = 'greeter'; this.ports = [7]; this.settings = settings; this.logger = logger; this.clock = clock; }
        create(context) {
          return {
            data: (dir, bytes) => {
              this.logger.warn('saw ' + bytes.length + ' bytes at ' + this.clock.now());
              context.emit({ said: String(bytes), greeting: this.settings.greeting, times: this.settings.times, same: context.options === this.settings, api: API_VERSION });
            },
            gap() {}, end() {},
          };
        }
      }
      Greeter.apiVersion = 1;
      Greeter.dissectorName = 'greeter';
      Greeter.options = lazySchema((z) => z.object({ greeting: z.string().default('hello'), times: z.number().default(1) }).strict());
      inject(Tokens.Options)(Greeter, undefined, 0);
      inject(Tokens.Logger)(Greeter, undefined, 1);
      inject(Tokens.Clock)(Greeter, undefined, 2);
      module.exports = injectable()(Greeter) || Greeter;
    `,
  });
  const own = join(plugin, 'node_modules');
  cpSync(packedFramework(), join(own, '@pakeana/framework'), { recursive: true });
  cpSync(join(modules, 'tsyringe'), join(own, 'tsyringe'), { recursive: true, dereference: true });
  for (const dep of ['reflect-metadata', 'zod', 'yaml', 'tslib']) symlinkSync(join(modules, dep), join(own, dep));
  const capture = write('greet.pcap', pcapFile(new Conversation('10.2.0.1:40000', '10.2.0.100:7', { start: 1000 }).handshake().send('client', 'hi').close().frames));
  const run = runPakeana(['read', capture, '--plugin', 'greeter', '--option', 'greeter.times=3', '--all', '--format', 'json'], { cwd: installed });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.sessions[0].greeter, [{ said: 'hi', greeting: 'hello', times: 3, same: true, api: 1 }]);
  assert.match(run.stderr, /^pakeana: warning: greeter: saw 2 bytes at 1000\.\d+$/m);
});

test('tsyringe is loaded only by a run with a class dissector', () => {
  const probe = write('probe.cjs', "process.on('exit', () => process.stderr.write(`tsyringe loaded: ${Object.keys(require.cache).some((f) => f.includes('/tsyringe/'))}\\n`));\n");
  const env = { NODE_OPTIONS: `--require ${probe}` };
  const plain = runPakeana(['read', redisCapture, '--plugin', redis, '--plugin', 'http', '-o', 'redis.maxValue=100'], { cwd: root, env });
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stderr, /tsyringe loaded: false/);
  const withClass = runPakeana(['read', redisCapture, '--plugin', 'greeter'], { cwd: installed, env });
  assert.match(withClass.stderr, /tsyringe loaded: true/);
});

test('the packages ship no compiled tests, and the plugins take the framework as a peer dependency', () => {
  // packages/cap is the vendored capture binding (C++ and JavaScript as cap publishes it): no dist.
  for (const pkg of readdirSync(join(root, 'packages')).filter((name) => name !== 'cap')) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: join(root, 'packages', pkg), encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const files = JSON.parse(pack.stdout)[0].files.map((f) => f.path);
    assert.ok(files.some((f) => f.startsWith('dist/')), `${pkg} packs its dist`);
    // The CLI's templates/ are the sources `plugins new` copies, their tests included.
    assert.deepEqual(files.filter((f) => /\.test\./.test(f) && !f.startsWith('templates/')), [], `${pkg} packs no tests`);
    if (pkg === 'framework' || pkg === 'cli') continue;
    assert.equal(manifest.peerDependencies?.['@pakeana/framework'], '0.1.x', pkg);
    assert.equal(manifest.dependencies?.['@pakeana/framework'], undefined, pkg);
  }
  const example = JSON.parse(readFileSync(join(root, 'examples/dissector-redis/package.json'), 'utf8'));
  assert.equal(example.peerDependencies['@pakeana/framework'], '0.1.x');
});

/** The TypeScript project of docs/writing-a-dissector.md, against the packed framework. */
function authorProject(name, tsconfig, source, more = {}) {
  const project = join(dir, name);
  write(join(name, 'tsconfig.json'), JSON.stringify(tsconfig));
  write(join(name, 'package.json'), JSON.stringify({ name: `pakeana-dissector-${name}`, version: '1.0.0', main: 'dist/index.js', peerDependencies: { '@pakeana/framework': '0.1.x' } }));
  write(join(name, 'src/index.ts'), source);
  for (const [file, text] of Object.entries(more)) write(join(name, 'src', file), text);
  mkdirSync(join(project, 'node_modules/@pakeana'), { recursive: true });
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  cpSync(packedFramework(), join(project, 'node_modules/@pakeana/framework'), { recursive: true });
  for (const dep of ['reflect-metadata', 'zod', 'yaml', 'tsyringe', 'tslib', '@types/node']) symlinkSync(join(modules, dep), join(project, 'node_modules', dep));
  return spawnSync(process.execPath, [join(modules, 'typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
}

const AUTHOR_TSCONFIG = { compilerOptions: { module: 'node16', target: 'es2022', strict: true, outDir: 'dist' } };
const AUTHOR_SOURCE = `
import { lazySchema, type Dissector } from '@pakeana/framework';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';

const options = lazySchema((z) => z.object({ banner: z.boolean().default(true) }).strict());

const smtp: Dissector<{ banner: boolean }> = {
  apiVersion: 1,
  name: 'smtp',
  ports: [25],
  options,
  create: (context) => ({
    data: (dir, bytes) => context.emit({ dir, line: Buffer.from(bytes).toString('latin1'), banner: context.options.banner }),
    gap() {},
    end() {},
  }),
};
export default smtp;
export const check = () => dissectFrames(new Conversation('10.0.0.1:4000', '10.0.0.2:25').handshake().send('server', '220 hi\\r\\n').frames, { dissectors: [smtp] });
`;

test('a minimal author tsconfig compiles a plugin against the packed framework, without skipLibCheck; another API version does not', () => {
  const ok = authorProject('author', AUTHOR_TSCONFIG, AUTHOR_SOURCE);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const wrong = authorProject('wrong', AUTHOR_TSCONFIG, AUTHOR_SOURCE.replace('apiVersion: 1', 'apiVersion: 2'), {
    'internal.ts': `import { PluginRegistry } from '@pakeana/framework';\nexport default PluginRegistry;\n`,
  });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stdout, /src\/index\.ts\(\d+,\d+\): error TS2322: Type '2' is not assignable to type '1'/);
  assert.match(wrong.stdout, /src\/internal\.ts\(1,10\): error TS2305: Module '"@pakeana\/framework"' has no exported member 'PluginRegistry'/);
});

test('a class dissector compiles with the documented decorator settings', () => {
  const tsconfig = { compilerOptions: { ...AUTHOR_TSCONFIG.compilerOptions, experimentalDecorators: true, emitDecoratorMetadata: true } };
  const source = `
import { Tokens, inject, injectable, lazySchema, type Dissector, type Logger, type PluginModule, type SessionContext } from '@pakeana/framework';

interface SmtpOptions { banner: boolean }

@injectable()
export default class SmtpDissector implements Dissector<SmtpOptions> {
  static readonly apiVersion = 1;
  static readonly dissectorName = 'smtp';
  static readonly options = lazySchema((z) => z.object({ banner: z.boolean().default(true) }).strict());
  readonly name = SmtpDissector.dissectorName;
  readonly ports = [25];
  constructor(
    @inject(Tokens.Options) private readonly settings: SmtpOptions,
    @inject(Tokens.Logger) private readonly logger: Logger,
  ) {}
  create(context: SessionContext<SmtpOptions>) {
    if (this.settings.banner) this.logger.debug('session ' + context.id);
    return { data() {}, gap() {}, end() {} };
  }
}

export const asModule: PluginModule = { apiVersion: 1, dissectors: [SmtpDissector] };
`;
  const built = authorProject('class-author', tsconfig, source);
  assert.equal(built.status, 0, built.stdout + built.stderr);
});
