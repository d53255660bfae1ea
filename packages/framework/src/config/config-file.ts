import { readFileSync } from 'node:fs';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';
import type { z } from 'zod';
import type { PluginRegistry } from '../plugins/plugin-registry.js';
import type { TriggerBuilder } from './trigger-builder.js';
import { duration, size } from './units.js';
import { lazySchema } from './zod.js';

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
          bufferedBytes: size().describe('out-of-order bytes held, all sessions together').optional(),
          idleTimeout: duration().describe('a session without packets this long ends as timeout').optional(),
          segmentsPerSession: z.number().int().positive().describe('frames kept per session for export and printing').optional(),
        })
        .strict()
        .optional(),
      dissectors: z.record(z.string(), z.record(z.string(), z.unknown())).describe('options per dissector, by name').optional(),
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ line: 1, col: 1, path: '', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` }] };
  }
  return checkConfigText(text, registry, triggers);
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
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  const parsed = configSchema().safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueProblems(issue, locate));
  // Plugins and triggers are checked even when other parts are wrong: every problem at once.
  const plugins = Array.isArray(raw.plugins) ? raw.plugins : [];
  for (const [i, plugin] of plugins.entries()) {
    if (typeof plugin !== 'string') continue;
    await registry.load([plugin]).catch((error) => problems.push(locate(['plugins', i], firstLine(error.message))));
  }
  const nodes = Array.isArray(raw.triggers) ? raw.triggers : [];
  for (const [i, node] of nodes.entries()) {
    for (const p of triggers.check(node)) problems.push(locate(['triggers', i, ...p.path], p.message));
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

function issueProblems(issue: z.core.$ZodIssue, locate: Locate): ConfigProblem[] {
  const path = issue.path as (string | number)[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => locate([...path, key], `unknown key "${key}"`, true));
  }
  return [locate(path, issue.message)];
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
