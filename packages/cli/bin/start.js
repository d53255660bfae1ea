// How pakeana starts: the start-up bundle (scripts/bundle.mjs), then oclif.
// Loading ~230 files one by one and compiling them, and oclif finding and loading every command
// to learn their flags, were most of pakeana's start-up. The bundle holds oclif, the framework,
// the bundled plugins and the commands in one file, compiled from V8's code cache; oclif's
// manifest (oclif.manifest.json, written with the bundle) describes the commands, so only the
// one that runs is loaded.
const Module = require('node:module');
const { readFileSync, statSync } = require('node:fs');
const { join, resolve, sep } = require('node:path');
const vm = require('node:vm');

/**
 * Loads dist/bundle.js and registers each module it holds in `require.cache` at the path of
 * the file it was built from: a `require()` of that file, by pakeana or by a plugin, gets the
 * bundle's module, evaluated on first use (so a plugin shares the bundle's framework, as it
 * shares the one framework without the bundle). Does nothing when the bundle is missing, when
 * the code on disk was rebuilt or reinstalled since (it would be stale), or with
 * PAKEANA_NO_BUNDLE=1: then every module loads from its own file.
 * Returns null, or the compiled script (for its code cache, not read with `codeCache: false`)
 * and the loaders of the bundle's roots, by the names they are required by.
 */
function loadBundle(root, { codeCache = true } = {}) {
  if (process.env.PAKEANA_NO_BUNDLE === '1') return null;
  const dist = join(root, 'dist');
  const index = readIndex(join(dist, 'bundle.json'));
  if (!index || !index.stamps.every((stamp) => sameStamp(root, stamp))) return null;
  const file = join(dist, 'bundle.js');
  // latin1: the bundle is ASCII, and a one-byte string is what V8 reads fastest.
  const script = new vm.Script(readFileSync(file, 'latin1'), { filename: file, cachedData: codeCache ? readCache(join(dist, 'bundle.cache')) : undefined });
  const bundle = new Module(file, module);
  bundle.filename = file;
  script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, dist, importModule);
  bundle.loaded = true;
  Module._cache[file] = bundle;
  const base = resolve(root, index.base) + sep;
  index.files.forEach((path, i) => register(base + path, bundle.exports.modules[i]));
  return { script, roots: bundle.exports.roots };
}

/** `import()` for the bundle, whose own would fail (see scripts/bundle.mjs). */
function importModule(specifier, options) {
  return import(specifier, options);
}

/**
 * Runs pakeana with `args`, from `bundle` (what loadBundle gave) when there is one. oclif reads
 * the commands from its manifest only with the bundle: both are written by the same build, so
 * the manifest is as current as the bundle is.
 */
function runCli(root, args, bundle) {
  // The bundle's roots, or the files: a name resolved costs ~0.5 ms.
  const load = (id) => (bundle ? bundle.roots[id]() : require(id.startsWith('.') ? join(root, 'dist', id) : id));
  load('reflect-metadata');
  try {
    process.cwd();
  } catch {
    // the warning that '@oclif/core' gives when loaded; its subpath entry points do not check
    process.stderr.write('WARNING: current directory does not exist\n');
  }
  // oclif is loaded by its subpath entry points (@oclif/core/execute, /config, /command, /flags,
  // /args), not by '@oclif/core', whose index loads every part of oclif and semver at startup.
  const { Plugin } = load('@oclif/core/config');
  const { execute } = load('@oclif/core/execute');
  const { normalizeShortcutArgv } = load('./trigger-setup.js');
  // package.json given, as oclif would read it (it has an oclif section): oclif looks for it otherwise.
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const cli = new Plugin({ root, pjson, type: 'core', isRoot: true, ignoreManifest: !bundle });
  return cli.load().then(() => execute({ loadOptions: { root, plugins: new Map([[cli.name, cli]]) }, args: normalizeShortcutArgv(args) }));
}

function register(filename, load) {
  const entry = new Module(filename, null);
  entry.filename = filename;
  entry.loaded = true;
  Object.defineProperty(entry, 'exports', { get: load, enumerable: true });
  Module._cache[filename] = entry;
}

function readIndex(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function readCache(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function sameStamp(root, { file, size, mtimeMs }) {
  const stat = statSync(join(root, file), { throwIfNoEntry: false });
  return stat !== undefined && stat.size === size && stat.mtimeMs === mtimeMs;
}

module.exports = { loadBundle, runCli };
