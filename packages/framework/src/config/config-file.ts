import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { TriggerBuilder } from './trigger-builder.js';
import { duration, size } from './units.js';
import { lazySchema, schemaProblems } from './zod.js';

/** The config file's schema, without the trigger options (those come from the trigger kinds). */
export const configSchema = lazySchema((z) =>
  z
    .object({
      plugins: z.array(z.string()).describe('plugins to load: short names (http), npm packages, or paths').optional(),
      triggers: z.array(z.unknown()).describe('triggers: a name, or { name: options }').optional(),
      output: z
        .object({
          format: z.enum(['pretty', 'json']).optional(),
          export: z.string().describe('pcap file for the frames of reported sessions').optional(),
          color: z.boolean().optional(),
          viewData: z.number().int().nonnegative().describe('context segments around each shown segment').optional(),
          quiet: z.boolean().optional(),
        })
        .strict()
        .optional(),
      limits: z
        .object({
          memory: size().describe('memory held for the traffic (sessions, buffers, records); load is shed beyond it').optional(),
          sessions: z.number().int().positive().describe('live sessions held at once; the idlest is evicted beyond it').optional(),
          halfOpen: z.number().int().positive().describe('sessions with only SYNs seen held at once; the oldest is evicted beyond it').optional(),
          bufferedBytes: size().describe('out-of-order bytes held per TCP direction; beyond it the oldest hole is given up').optional(),
          idleTimeout: duration().describe('a session without packets this long ends as timeout').optional(),
          pluginTimeout: duration().describe('a dissector or trigger call still running after this is stopped; the plugin is isolated for that session').optional(),
          segmentsPerSession: z.number().int().positive().describe('frames kept per session for export and printing').optional(),
        })
        .strict()
        .optional(),
      dissectors: z
        .record(z.string(), z.unknown())
        .describe("options per dissector, by its name: { http: {...} }; see each one's in `pakeana plugins`")
        .optional(),
    })
    .strict(),
);

export type ConfigFile = z.output<ReturnType<typeof configSchema>>;

/** One problem of a config file, located in it. */
export interface ConfigProblem {
  line: number;
  col: number;
  /** Dotted path of the field (`triggers.1.tcp.retransmit.after`), or '' for the file. */
  path: string;
  message: string;
}

/** `FILE:LINE:COL: path.to.field: message`, one line. */
export function formatProblem(file: string, p: ConfigProblem): string {
  return `${file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export type ConfigResult = { ok: true; config: ConfigFile } | { ok: false; problems: ConfigProblem[] };

/**
 * Reads and checks a config file: YAML syntax, the schema (unknown keys are errors), the
 * plugins it names (loaded into the registry), and every trigger's options against its
 * kind's schema. Reports every problem at once, each with its line and column.
 */
export async function loadConfig(file: string, registry: PluginRegistry, triggers: TriggerBuilder): Promise<ConfigResult> {
  const text = readConfigText(file);
  if (typeof text !== 'string') return { ok: false, problems: [{ line: 1, col: 1, path: '', message: text.problem }] };
  return checkConfigText(text, registry, triggers);
}

/**
 * The most a config file may have. A config names plugins, triggers and a few settings: a
 * large hand-written one is a few KiB, and 1 MiB is hundreds of times that. The YAML parser
 * holds over a hundred times the text in nodes (1 MiB of triggers: ~140 MiB of heap and
 * ~1 s; 100 MB ran out of heap after 85 s), so a file beyond this is refused before it is
 * read, in the time of a stat.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The file's text, or the problem that keeps it from being read (missing, unreadable, too large). */
function readConfigText(file: string): string | { problem: string } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_CONFIG_BYTES) return { problem: `file is ${size} bytes, more than the 1 MiB a config may have` };
    return readFileSync(fd, 'utf8');
  } catch (error) {
    return { problem: `cannot read: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

export async function checkConfigText(text: string, registry: PluginRegistry, triggers: TriggerBuilder): Promise<ConfigResult> {
  const yaml = loadYaml();
  const lines = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const locate = locator(yaml, doc, lines);
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { line: pos.line, col: pos.col, path: '', message: firstLine(e.message) };
      }),
    };
  }
  const js = toPlain(yaml, doc, lines);
  if (!js.ok) return { ok: false, problems: [js.problem] };
  const raw = (js.value ?? {}) as Record<string, unknown>;
  const parsed = configSchema().safeParse(raw);
  const problems = parsed.success ? [] : schemaProblems(parsed.error.issues).map((p) => locate(p.path, p.message, p.key));
  // Plugins, dissector options and triggers are checked even when other parts are wrong: every problem at once.
  const plugins = Array.isArray(raw.plugins) ? raw.plugins : [];
  for (const [i, plugin] of plugins.entries()) {
    if (typeof plugin !== 'string') continue;
    await registry.load([plugin]).catch((error) => problems.push(locate(['plugins', i], firstLine(error.message))));
  }
  if (isPlainObject(raw.dissectors)) {
    for (const p of registry.checkOptions(raw.dissectors).problems) problems.push(locate(['dissectors', ...p.path], p.message, p.key));
  }
  const nodes = Array.isArray(raw.triggers) ? raw.triggers : [];
  for (const [i, node] of nodes.entries()) {
    for (const p of triggers.check(node)) problems.push(locate(['triggers', i, ...p.path], p.message, p.key));
  }
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return problems.length || !parsed.success ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/**
 * The yaml package, loaded on first use: only a run that reads a config file needs it, and
 * loading it costs every other run ~20 ms of startup.
 */
function loadYaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import type` above gives the types
  return require('yaml') as typeof Yaml;
}

/**
 * The document as plain data. The yaml package refuses, while converting, an alias that
 * names no anchor before it and aliases that expand past its `maxAliasCount` (a "billion
 * laughs" bomb); both are problems of the file, located at the alias to blame.
 */
function toPlain(yaml: typeof Yaml, doc: Document, lines: LineCounter): { ok: true; value: unknown } | { ok: false; problem: ConfigProblem } {
  try {
    return { ok: true, value: doc.toJS() };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const pos = lines.linePos(blamedAlias(yaml, doc)?.range?.[0] ?? 0);
    return { ok: false, problem: { line: pos.line, col: pos.col, path: '', message: firstLine(error.message) } };
  }
}

/**
 * The alias a conversion error is about: the first one without an anchor before it, else the
 * one that expands to the most nodes (the top of a bomb). Anchors are resolved in document
 * order as yaml does (the last one of the name before the alias), and sizes are counted once
 * per node: a bomb is measured, not expanded. Only for the error: it walks the whole document.
 */
function blamedAlias({ visit, isAlias, isCollection, isPair }: typeof Yaml, doc: Document): Node | null {
  const anchors = new Map<string, Node>();
  const sources = new Map<Node, Node>();
  const aliases: Node[] = [];
  let unresolved: Node | null = null;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        aliases.push(node);
        const source = anchors.get(node.source);
        if (source) sources.set(node, source);
        else unresolved ??= node;
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (unresolved) return unresolved;
  const sizes = new Map<unknown, number>();
  const size = (node: unknown): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 0); // an alias inside its own anchor's node adds nothing more
    let total = 1;
    if (isAlias(node)) total = size(sources.get(node));
    else if (isCollection(node)) for (const item of node.items) total += size(item);
    else if (isPair(node)) total = size(node.key) + size(node.value);
    sizes.set(node, total);
    return total;
  };
  let blamed: Node | null = null;
  for (const alias of aliases) if (!blamed || size(alias) > size(blamed)) blamed = alias;
  return blamed;
}

type Locate = (path: (string | number)[], message: string, key?: boolean) => ConfigProblem;

/** Finds the YAML node at a path (or the deepest existing parent) and gives its position. */
function locator({ isMap, isScalar }: typeof Yaml, doc: Document, lines: LineCounter): Locate {
  return (path, message, key = false) => {
    let node: unknown = doc.contents;
    let keyNode: unknown = null;
    for (const segment of path) {
      if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
      const collection = node as { items: unknown[] };
      const item = isMap(node)
        ? (node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(segment)) ?? null)
        : (collection.items[Number(segment)] ?? null);
      if (!item) break;
      if (isMap(node)) {
        const pair = item as { key: unknown; value: unknown };
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else {
        keyNode = null;
        node = item;
      }
    }
    const target = (key && keyNode ? keyNode : node ?? keyNode) as Node | null;
    const offset = target?.range?.[0] ?? 0;
    const pos = lines.linePos(offset);
    return { line: pos.line, col: pos.col, path: path.join('.'), message };
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
