// Builds the start-up bundle of the command line, after `tsc -b` (bin/start.js loads it):
//   dist/bundle.js       oclif, the framework, the bundled plugins and the commands in one file,
//                        bundled from the tsc output (which keeps the decorator metadata), as
//                        a function of (exports, require, module, __filename, __dirname,
//                        __pakeanaImport);
//   dist/bundle.json     the file each bundled module was built from, and the stamps that
//                        tell whether the bundle is still the code on disk;
//   dist/bundle.cache    V8's code cache of the bundle, written by runs on a tiny capture;
//   oclif.manifest.json  oclif's description of the commands (read only with the bundle).
// They hold this tree's paths and stamps, so they are not packed (package.json "files").
// Usage: node scripts/bundle.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const fromDist = createRequire(join(dist, 'index.js'));
const FILES = {
  bundle: join(dist, 'bundle.js'),
  index: join(dist, 'bundle.json'),
  cache: join(dist, 'bundle.cache'),
  manifest: join(root, 'oclif.manifest.json'),
};
/** The generated entry (esbuild's stdin). */
const ENTRY = join(dist, 'bundle-entry.js');
/** What the bundle calls instead of `import()` (see routeImports). */
const IMPORT = '__pakeanaImport';

/**
 * What the bundle is built from, as the command line requires it. Every file these reach is
 * in the bundle, registered at its own path (see bin/start.js).
 */
const ROOTS = [
  'reflect-metadata',
  '@oclif/core/execute',
  '@oclif/core/config',
  '@oclif/core/command',
  '@oclif/core/flags',
  '@oclif/core/args',
  '@pakeana/framework',
  '@pakeana/framework/internal',
  '@pakeana/framework/testing',
  '@pakeana/dissector-tcp',
  '@pakeana/dissector-http',
  '@pakeana/dissector-tls',
  '@pakeana/trigger-tcp',
  '@pakeana/trigger-http',
  '@pakeana/trigger-tls',
  '@pakeana/trigger-match',
  './index.js',
  './trigger-setup.js',
  './commands/read.js',
  './commands/report.js',
  './commands/capture.js',
  './commands/plugins.js',
  './commands/plugins/records.js',
  './commands/config/validate.js',
  './commands/config/schema.js',
  './shard-worker.js',
  // Not commands/plugins/new.js: it finds its templates from its own __dirname.
];

/**
 * Loaded at run time from node_modules, as without the bundle: zod, yaml, tsyringe and re2js
 * load only when a run needs them (a config, --option, a class dissector, a match pattern);
 * @pakeana/cap is a native binding; @pakeana/report (--report) reads its page's assets from its own directory; typescript and ts-node are oclif's, for development only.
 */
const EXTERNAL = ['zod', 'yaml', 'tsyringe', 're2js', '@pakeana/cap', '@pakeana/report', 'typescript', 'ts-node'];

/**
 * Changes to oclif's files in the bundle (paths under @oclif/core/lib), for start-up time. Each
 * must apply, or the build fails: an oclif upgrade that changes the code is seen.
 * `lazy`: modules the file loads on first use, not when it loads, so that a run that does not
 * use them does not pay for them; `replace`: [text, replacement].
 */
const OCLIF_PATCHES = {
  'config/plugin.js': {
    lazy: ['tinyglobby'], // finds the commands when there is no manifest
    // The first localeCompare of a process builds ICU's collator, ~6 ms, to sort the command
    // ids: ASCII, which code units order the same.
    replace: [['.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))']],
  },
  'command.js': {
    // Command.run builds the config again from the one oclif runs it with (~2 ms), to have one
    // of its own oclif's Config class when that is another oclif: in the bundle there is one.
    replace: [
      [
        'const config = await config_1.Config.load(opts || require.main?.filename || __dirname);',
        'const config = opts instanceof config_1.Config ? opts : await config_1.Config.load(opts || require.main?.filename || __dirname);',
      ],
    ],
  },
  'config/plugin-loader.js': { lazy: ['minimatch'] }, // matches core plugin names: pakeana has none
  'config/config.js': { lazy: ['ejs'] }, // templates of the help and of update URLs
  'help/util.js': { lazy: ['ejs'] },
  'performance.js': { lazy: ['node:perf_hooks'] }, // oclif's timings, when asked for
  'util/os.js': {
    lazy: ['node:child_process'], // Windows only
    // isWsl from is-wsl itself: wsl-utils, which re-exports it, loads child_process (~2 ms).
    replace: [["return (await import('wsl-utils')).isWsl ? 'wsl'", "return (await import('is-wsl')).default ? 'wsl'"]],
  },
  'parser/parse.js': { lazy: ['node:readline'] }, // a flag value read from standard input
  'ux/action/spinner.js': { lazy: ['cli-spinners'] },
};

/** OCLIF_PATCHES' files patched so far. */
const patched = new Set();

await main();

async function main() {
  for (const file of Object.values(FILES)) rmSync(file, { force: true });
  // First the roots, to learn every file they reach; then the bundle that registers them all.
  const reached = await bundle(ROOTS);
  const modules = Object.keys(reached.metafile.inputs)
    .map((input) => resolve(root, input))
    .filter((file) => file !== ENTRY);
  const { metafile } = await bundle(modules);
  if (Object.keys(metafile.inputs).length !== modules.length + 1) throw new Error('the bundle holds other files than it registers');
  const unpatched = Object.keys(OCLIF_PATCHES).filter((file) => !patched.has(file));
  if (unpatched.length) throw new Error(`@oclif/core/lib/${unpatched.join(', ')}: not in the bundle: update OCLIF_PATCHES`);
  checkExternals(metafile);
  writeFileSync(FILES.bundle, `(function (exports, require, module, __filename, __dirname, ${IMPORT}) {\n${escapeNonAscii(routeImports(readFileSync(FILES.bundle, 'utf8')))}\n})\n`);
  // Paths from the files' common directory, so that the loader makes each by concatenation
  // (path.join on each took 5 ms).
  const base = commonDirectory([root, ...modules]);
  const index = { base: relative(root, base), files: modules.map((file) => relative(base, file)), stamps: buildStamps(metafile) };
  writeFileSync(FILES.index, `${JSON.stringify(index, null, 2)}\n`);
  try {
    await writeManifest();
    writeCodeCache();
  } catch (error) {
    rmSync(FILES.index); // no bundle is used without its index
    throw error;
  }
  console.log(`${relative(process.cwd(), FILES.bundle)}: ${modules.length} files, ${kib(FILES.bundle)} KiB, code cache ${kib(FILES.cache)} KiB`);
}

/**
 * The bundle of `ids` (resolved from dist/): its `exports.modules[i]()` loads `ids[i]`, and
 * `exports.roots[id]()` each of ROOTS (the start takes them so, without resolving their names).
 */
function bundle(ids) {
  const load = (id) => `() => require(${JSON.stringify(id)})`;
  const modules = ids.map((id) => `  ${load(id)},`).join('\n');
  const roots = ROOTS.map((id) => `  ${JSON.stringify(id)}: ${load(id)},`).join('\n');
  const entry = `exports.modules = [\n${modules}\n];\nexports.roots = {\n${roots}\n};\n`;
  return build({
    stdin: { contents: entry, resolveDir: dist, sourcefile: basename(ENTRY), loader: 'js' },
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: FILES.bundle,
    external: EXTERNAL,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [{ name: 'patch-oclif', setup: patchOclif }],
  });
}

/** Applies OCLIF_PATCHES as esbuild loads oclif's files. */
function patchOclif(build) {
  build.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]/ }, ({ path }) => {
    const name = Object.keys(OCLIF_PATCHES).find((file) => path.endsWith(`${sep}lib${sep}${file.replaceAll('/', sep)}`));
    if (!name) return undefined;
    const { lazy = [], replace = [] } = OCLIF_PATCHES[name];
    let text = readFileSync(path, 'utf8');
    const change = (from, to) => {
      if (!text.includes(from)) throw new Error(`@oclif/core/lib/${name}: "${from}" not found: update OCLIF_PATCHES in scripts/bundle.mjs`);
      text = text.replace(from, to);
    };
    for (const id of lazy) {
      const statement = new RegExp(`^const \\w+ = (?:__importDefault\\()?require\\("${id.replace(/[^\w]/g, '\\$&')}"\\)\\)?;$`, 'm').exec(text)?.[0];
      change(statement ?? `const ... = require("${id}");`, statement?.replace(/= (.*);$/, '= lazyModule(() => $1);'));
    }
    for (const [from, to] of replace) change(from, to);
    if (lazy.length) text += '\nfunction lazyModule(load) {\n  let loaded;\n  return new Proxy({}, { get: (_, key) => (loaded ??= load())[key] });\n}\n';
    patched.add(name);
    return { contents: text, loader: 'js' };
  });
}

/**
 * An external module is required from the bundle's directory instead of the package that
 * imports it: both must find the same file.
 */
function checkExternals(metafile) {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const { path, external } of imports) {
      if (!external || !EXTERNAL.some((name) => path === name || path.startsWith(`${name}/`))) continue;
      const wanted = tryResolve(createRequire(resolve(root, input)), path);
      const got = tryResolve(fromDist, path);
      if (wanted !== got) throw new Error(`${input} imports ${path} (${wanted}), but the bundle would load ${got}`);
    }
  }
}

function tryResolve(require, id) {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
}

/**
 * `import(x)` in the bundle becomes `__pakeanaImport(x)`, a function the loader gives: code that
 * V8 compiled from a code cache loses the dynamic import callback that vm sets (Node 20: "A
 * dynamic import callback was not specified").
 */
function routeImports(text) {
  if (new RegExp(`\\b${IMPORT}\\b`).test(text)) throw new Error(`${IMPORT} is a name in the bundled code already`);
  const source = ts.createSourceFile(FILES.bundle, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) starts.push(node.expression.getStart(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  let routed = '';
  let from = 0;
  for (const start of starts) {
    routed += `${text.slice(from, start)}${IMPORT}`;
    from = start + 'import'.length;
  }
  return routed + text.slice(from);
}

/**
 * The loader reads the bundle as latin1: a one-byte string, which V8 takes ~10 times faster
 * than UTF-8 text. esbuild escapes every non-ASCII character but those in regular expression
 * literals, where `\uXXXX` means the same code unit.
 */
function escapeNonAscii(text) {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Files that change when the bundled code is rebuilt or reinstalled: each workspace package's
 * tsbuildinfo (tsc -b rewrites it with its output) and the node_modules' .package-lock.json
 * (npm rewrites it at each install). Their size and mtime, as now.
 */
function buildStamps(metafile) {
  const stamps = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const file = resolve(root, input);
    const modules = file.indexOf(`${sep}node_modules${sep}`);
    stamps.add(modules >= 0 ? join(file.slice(0, modules), 'node_modules', '.package-lock.json') : join(packageRoot(file), 'tsconfig.tsbuildinfo'));
  }
  return [...stamps].filter(existsSync).map((file) => {
    const { size, mtimeMs } = statSync(file);
    return { file: relative(root, file), size, mtimeMs };
  });
}

function commonDirectory(paths) {
  let dir = dirname(paths[0]);
  while (!paths.every((path) => path.startsWith(dir + sep))) dir = dirname(dir);
  return dir;
}

function packageRoot(file) {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** What `oclif manifest` writes: each command's id, flags, args and help, and its file. */
async function writeManifest() {
  const { Plugin } = fromDist('@oclif/core/config');
  const cli = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await cli.load();
  writeFileSync(FILES.manifest, `${JSON.stringify(cli.manifest, null, 2)}\n`);
}

/**
 * V8 keeps in the code cache what a process compiled, so the cache is written by runs of the
 * bundle (scripts/write-code-cache.cjs) on a tiny capture: one HTTP exchange.
 */
function writeCodeCache() {
  const { Conversation, pcapFile } = fromDist('@pakeana/framework/testing');
  const dir = mkdtempSync(join(tmpdir(), 'pakeana-bundle-'));
  const capture = join(dir, 'tiny.pcap');
  const exchange = new Conversation('10.0.0.1:40000', '10.0.0.2:80')
    .handshake()
    .send('client', 'GET / HTTP/1.1\r\nHost: example\r\n\r\n')
    .send('server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    .close();
  writeFileSync(capture, pcapFile(exchange.frames));
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'write-code-cache.cjs'), FILES.cache, capture], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(dir, { recursive: true });
  if (run.status !== 0 || !existsSync(FILES.cache)) throw new Error(`writing the code cache failed: ${run.stderr}`);
}

function kib(file) {
  return (statSync(file).size / 1024).toFixed(0);
}
