import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginModule } from './plugin-module.js';

/** Short names of the plugins that ship with pakeana. */
export const BUILTIN_PLUGINS: Readonly<Record<string, string>> = {
  http: '@pakeana/dissector-http',
  'trigger-tcp': '@pakeana/trigger-tcp',
  'trigger-http': '@pakeana/trigger-http',
  'trigger-match': '@pakeana/trigger-match',
};

/** A plugin that cannot be found or does not export what a plugin must: a usage error. */
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
  module: PluginModule;
}

/**
 * Finds a plugin by name: a bare short name (`http`) means a bundled package; a name that
 * starts with `.` or `/` is a path from `cwd`; anything else is an npm package resolved from
 * `cwd`, then from pakeana's own installation.
 */
export function resolvePlugin(name: string, cwd = process.cwd()): string {
  const id = BUILTIN_PLUGINS[name] ?? name;
  const attempts = id.startsWith('.') || isAbsolute(id) ? [() => require.resolve(resolve(cwd, id))] : [
    () => createRequire(join(cwd, 'noop.js')).resolve(id),
    () => require.resolve(id),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next place
    }
  }
  throw new PluginError(`plugin '${name}' not found (looked for ${id === name ? 'package or path' : `package ${id}`} from ${cwd})`);
}

export async function loadPlugin(name: string, cwd = process.cwd()): Promise<LoadedPlugin> {
  const path = resolvePlugin(name, cwd);
  let loaded: unknown;
  try {
    loaded = await loadModule(path, Object.hasOwn(BUILTIN_PLUGINS, name));
  } catch (error) {
    throw new PluginError(`plugin '${name}' (${path}) failed to load: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { name, path, module: toPluginModule(name, path, unwrapDefault(loaded)) };
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

/** `import()` of CommonJS gives { default: module.exports }; TypeScript output adds another default. */
function unwrapDefault(loaded: unknown): unknown {
  let value = loaded;
  for (let i = 0; i < 2; i++) {
    const v = value as { default?: unknown } | null;
    if (v && typeof v === 'object' && 'default' in v && v.default !== undefined) value = v.default;
  }
  return value;
}

function toPluginModule(name: string, path: string, value: unknown): PluginModule {
  const v = value as Record<string, unknown> | null;
  if (typeof v === 'function') return { dissectors: [v as never] };
  if (v && typeof v === 'object') {
    if (typeof v.create === 'function' && typeof v.name === 'string') return { dissectors: [v as never] };
    if (Array.isArray(v.dissectors) || Array.isArray(v.triggers)) return v as PluginModule;
  }
  throw new PluginError(
    `plugin '${name}' (${path}) exports no dissector or trigger: expected a default export with name and create(), or { dissectors, triggers }`,
  );
}
