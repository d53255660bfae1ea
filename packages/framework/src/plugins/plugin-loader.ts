import type * as ChildProcess from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_VERSION } from './api-version.js';
import type { PluginModule } from './plugin-module.js';

/** Short names of the plugins that ship with pakeana. */
export const BUILTIN_PLUGINS: Readonly<Record<string, string>> = {
  http: '@pakeana/dissector-http',
  tls: '@pakeana/dissector-tls',
  'trigger-tcp': '@pakeana/trigger-tcp',
  'trigger-http': '@pakeana/trigger-http',
  'trigger-tls': '@pakeana/trigger-tls',
  'trigger-match': '@pakeana/trigger-match',
};

/** A plugin that cannot be found, loaded or used as a plugin: a usage error. */
export class PluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginError';
  }
}

export interface LoadedPlugin {
  /** The name as the user gave it. */
  name: string;
  /** The file it was loaded from. */
  path: string;
  /** The npm package it came from, or its path when it is no package. */
  label: string;
  module: PluginModule;
}

/** Where a plugin was found: the file, and the package (or path) to name it by. */
interface Resolved {
  path: string;
  label: string;
}

/**
 * The npm packages `--plugin NAME` may mean, in the order they are tried, as babel resolves
 * plugin names: `smtp` is `pakeana-dissector-smtp`, `pakeana-trigger-smtp`,
 * `@pakeana/dissector-smtp`, `@pakeana/trigger-smtp`, or `smtp` itself; `@scope/smtp` is
 * `@scope/pakeana-dissector-smtp`, `@scope/pakeana-trigger-smtp` or `@scope/smtp`. The name as
 * given comes last: `--plugin redis` must find `pakeana-dissector-redis` where the `redis`
 * client library is installed too. A bundled short name (`http`) is its package; a name that
 * already starts with `pakeana-` is only itself.
 */
export function pluginCandidates(name: string): string[] {
  const bundled = BUILTIN_PLUGINS[name];
  if (bundled) return [bundled];
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  const scope = scoped ? scoped[1]! : null;
  const base = scoped ? scoped[2]! : name;
  if (base.startsWith('pakeana-')) return [name];
  if (scope === '@pakeana') return [`@pakeana/dissector-${base}`, `@pakeana/trigger-${base}`, name];
  if (scope) return [`${scope}/pakeana-dissector-${base}`, `${scope}/pakeana-trigger-${base}`, name];
  return [`pakeana-dissector-${name}`, `pakeana-trigger-${name}`, `@pakeana/dissector-${name}`, `@pakeana/trigger-${name}`, name];
}

const isPath = (name: string) => name.startsWith('.') || isAbsolute(name);

/**
 * Finds a plugin by name: a name that starts with `.` or `/` is a path from `cwd`; anything
 * else is an npm package (see `pluginCandidates`) resolved from `cwd`, then from pakeana's own
 * installation. A package that is there but whose entry file is not (an unbuilt `dist/`) is
 * said so.
 */
export function resolvePlugin(name: string, cwd = process.cwd()): string {
  return findPlugin(name, cwd).path;
}

function findPlugin(name: string, cwd: string): Resolved {
  if (isPath(name)) {
    const target = resolve(cwd, name);
    try {
      return { path: require.resolve(target), label: packageName(target) ?? target };
    } catch (error) {
      throw missingEntry(target, packageName(target) ?? name, error) ?? new PluginError(`plugin '${name}' not found: no file or package at ${target}`);
    }
  }
  const candidates = pluginCandidates(name);
  const bases = [createRequire(join(cwd, 'noop.js')), require];
  for (const id of candidates) {
    for (const base of bases) {
      try {
        return { path: base.resolve(id), label: id };
      } catch (error) {
        const dir = (base.resolve.paths(id) ?? []).map((modules) => join(modules, id)).find((d) => existsSync(join(d, 'package.json')));
        if (dir) throw missingEntry(dir, id, error) ?? new PluginError(`package ${id}: ${firstLine(error)}`);
      }
    }
  }
  const tried = candidates.length > 1 ? `tried ${candidates.join(', ')}` : `looked for package ${candidates[0]}`;
  throw new PluginError(`plugin '${name}' not found: ${tried} (from ${cwd} and from pakeana's installation)`);
}

/** A package directory whose entry file is missing: the error that says which file, or null. */
function missingEntry(dir: string, label: string, error: unknown): PluginError | null {
  if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !isDirectory(dir)) return null;
  const manifest = readManifest(dir);
  if (!manifest) return null;
  const main = typeof manifest.main === 'string' ? manifest.main : 'index.js';
  return new PluginError(`package ${label}: main ${main} does not exist: was it built?`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readManifest(dir: string): { name?: unknown; main?: unknown } | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The package name of a plugin given as a directory path, or null. */
function packageName(path: string): string | null {
  const name = isDirectory(path) ? readManifest(path)?.name : undefined;
  return typeof name === 'string' ? name : null;
}

export async function loadPlugin(name: string, cwd = process.cwd()): Promise<LoadedPlugin> {
  const { path, label } = findPlugin(name, cwd);
  let loaded: unknown;
  try {
    loaded = await loadModule(path, Object.hasOwn(BUILTIN_PLUGINS, name));
  } catch (error) {
    throw new PluginError(`plugin '${name}' (${label}) failed to load: ${describeLoadError(error, path)}`);
  }
  return { name, path, label, module: toPluginModule(`plugin '${name}' (${label})`, unwrapDefault(loaded)) };
}

/**
 * `import()` loads any plugin, CommonJS or ES module. The bundled plugins are CommonJS
 * packages of pakeana's own, so they are `require()`d: `import()` would take each through
 * the ES module loader, ~10 ms more at every start. Should one be an ES module that this
 * Node cannot `require()`, `import()` loads it.
 */
async function loadModule(path: string, commonJs: boolean): Promise<unknown> {
  if (commonJs) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plugin is loaded at run time, by its resolved path
      return require(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    }
  }
  return import(pathToFileURL(path).href);
}

/**
 * One line: where the error is (`file:line`) and what it says. A syntax error names its place
 * only in the stack of CommonJS; Node's ES module loader leaves it out, so the entry file is
 * checked again with `node --check`, which gives it.
 */
function describeLoadError(error: unknown, path: string): string {
  const message = firstLine(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const place = /^(?:file:\/\/)?(\/[^\n]*?:\d+)\n/.exec(stack)?.[1] ?? (error instanceof SyntaxError ? syntaxPlace(path) : null) ?? stackPlace(stack);
  return place ? `${place}: ${message}` : message;
}

function syntaxPlace(path: string): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only on this error path: loading it costs every start ~3 ms
  const { spawnSync } = require('node:child_process') as typeof ChildProcess;
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 10_000 });
  return /^(?:file:\/\/)?(\/[^\n]*?:\d+)\n/.exec(check.stderr ?? '')?.[1] ?? null;
}

/** `file:line` of the first stack frame outside Node's own modules. */
function stackPlace(stack: string): string | null {
  const frame = /^\s+at (?:.*? \()?(?:file:\/\/)?(\/[^\n)]*?:\d+):\d+\)?$/m.exec(stack);
  return frame ? frame[1]! : null;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** `import()` of CommonJS gives { default: module.exports }; TypeScript output adds another default. */
function unwrapDefault(loaded: unknown): unknown {
  let value = loaded;
  for (let i = 0; i < 2; i++) {
    const v = value as { default?: unknown } | null;
    if (v && typeof v === 'object' && 'default' in v && v.default !== undefined) value = v.default;
  }
  return value;
}

/** The module as a `PluginModule`, once it is one and states the API version of this framework. */
function toPluginModule(plugin: string, value: unknown): PluginModule {
  const v = value as Record<string, unknown> | null;
  const single = typeof v === 'function' || (v && typeof v === 'object' && typeof v.create === 'function' && typeof v.name === 'string');
  if (!single && !(v && typeof v === 'object' && (Array.isArray(v.dissectors) || Array.isArray(v.triggers)))) {
    throw new PluginError(`${plugin} exports no dissector or trigger: expected a default export with name and create(), or { apiVersion, dissectors, triggers }`);
  }
  const version = v!.apiVersion;
  if (version === undefined) {
    throw new PluginError(`${plugin} does not state the plugin API version it was built for: its export needs apiVersion: ${API_VERSION}`);
  }
  if (version !== API_VERSION) {
    throw new PluginError(`${plugin} was built for plugin API version ${String(version)}, but this pakeana has plugin API version ${API_VERSION}`);
  }
  return single ? { apiVersion: API_VERSION, dissectors: [v as never] } : (v as unknown as PluginModule);
}
