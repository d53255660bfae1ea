import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { TriggerBuilder } from '../config/trigger-builder.js';
import type { Dissector, Logger } from '../dissect/api.js';
import { sessionRecord, type SessionRecord } from '../output/session-record.js';
import type { SessionSink } from '../output/sink.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { PluginFailures } from '../pipeline/plugin-failures.js';
import { Reporter } from '../pipeline/reporter.js';
import { runCapture } from '../pipeline/run.js';
import { CaptureClock, defaultServices } from '../pipeline/services.js';
import { Statistics } from '../pipeline/statistics.js';
import { resolvePlugin } from '../plugins/plugin-loader.js';
import { PluginRegistry, schemaOf } from '../plugins/plugin-registry.js';
import type { SessionObserver } from '../sessions/observer.js';
import type { TrackerLimits } from '../sessions/session-tracker.js';
import type { SessionDisplayLine } from '../sessions/tcp-session.js';
import { newFrame } from '../sources/frame.js';
import type { TriggerKind } from '../triggers/api.js';
import { TriggerEngine } from '../triggers/trigger-engine.js';
import type { TimedFrame } from './packet-builder.js';

/**
 * The trigger plugins that ship with pakeana. With `triggers`, the ones installed where the
 * test runs (as dependencies of `pakeana`, or on their own) are loaded, as the CLI loads them.
 */
export const BUNDLED_TRIGGER_PACKAGES: readonly string[] = ['@pakeana/trigger-tcp', '@pakeana/trigger-http', '@pakeana/trigger-tls', '@pakeana/trigger-match'];

export interface DissectOptions {
  /** Plugins to load by name or path, as `--plugin` takes them (`'./'`: the package under test). */
  plugins?: string[];
  /** Dissector objects to use directly (e.g. the one under test). */
  dissectors?: Dissector<any>[];
  /** Trigger kinds to use directly (e.g. the ones under test), besides those of `plugins`. */
  triggerKinds?: TriggerKind[];
  /**
   * Options per dissector name, as the config file's `dissectors:` section holds them:
   * validated with each dissector's schema (a bad one throws), defaults filled.
   */
  options?: Record<string, Record<string, unknown>>;
  /**
   * Trigger nodes as the config file's `triggers:` list holds them (`'tcp.reset'`,
   * `{ 'http.status': { min: 500 } }`), checked with each kind's schema (a bad one throws).
   * Every session is still returned; `triggers` in each lists those that fired.
   */
  triggers?: unknown[];
  /**
   * Observers such as the TCP analyzer. Default: none; with `triggers`, the TCP analyzer
   * of `@pakeana/dissector-tcp` when it is installed, as the CLI runs it before triggers.
   */
  observers?: SessionObserver[];
  /** Directory plugin names are resolved from (default: the current directory). */
  cwd?: string;
  /** The session tracker's limits (`sessions`, `halfOpen`, `idleTimeout`, ...), as the config's `limits:` sets them. */
  limits?: Partial<TrackerLimits>;
}

/** A session as the JSON output gives it, with its display lines (what the pretty output prints under its segments). */
export type DissectedSession = SessionRecord & { display: SessionDisplayLine[] };

export interface DissectResult {
  /** Every session, as its JSON record (the dissector's records under its name), plus `display`. */
  sessions: DissectedSession[];
  stats: Statistics;
  /** Damage that stopped the read, if any. */
  error: Error | null;
  /** Warnings the run logged: a plugin that threw (with its stack trace), a plugin's own. */
  warnings: string[];
}

/**
 * Test helper for plugin authors: runs a capture file through the whole pipeline with the
 * given plugins and returns every session's record.
 *
 *   const { sessions } = await dissectCapture('test/redis.pcap', { plugins: ['./'] });
 *   assert.equal(sessions[0].redis[0].command, 'GET');
 */
export async function dissectCapture(file: string, options: DissectOptions = {}): Promise<DissectResult> {
  const run = await prepare(options);
  const { stats, error } = await runCapture(file, { ...run.pipelineOptions, reportAll: true, sinks: [run.sink] });
  return { sessions: run.sessions, stats, error, warnings: run.warnings };
}

/**
 * The same for crafted frames (see `Conversation` and `tcpFrame`), without a file:
 *
 *   const c = new Conversation('10.0.0.1:40000', '10.0.0.2:6379').handshake().send('client', '*1\r\n$4\r\nPING\r\n');
 *   const { sessions } = await dissectFrames(c.frames, { dissectors: [redis], options: { redis: { slowAfter: '1s' } } });
 */
export async function dissectFrames(frames: readonly TimedFrame[], options: DissectOptions & { linkType?: number } = {}): Promise<DissectResult> {
  const run = await prepare(options);
  const reporter = new Reporter([run.sink], run.pipelineOptions.stats, true);
  const pipeline = new Pipeline(run.pipelineOptions, reporter.finished);
  const frame = newFrame();
  frame.linkType = options.linkType ?? 1;
  frames.forEach((f, i) => {
    frame.data = f.data;
    frame.offset = 0;
    frame.caplen = frame.wireLen = f.data.length;
    frame.tsSec = Math.floor(f.time);
    frame.tsNsec = Math.round((f.time - frame.tsSec) * 1e9);
    frame.index = i + 1;
    pipeline.frame(frame);
  });
  pipeline.finish('eof');
  await reporter.finish();
  return { sessions: run.sessions, stats: run.pipelineOptions.stats, error: null, warnings: run.warnings };
}

/** The run as the CLI sets it up: plugins, validated options, the TCP analyzer and triggers, a sink that keeps every session. */
async function prepare(options: DissectOptions) {
  const cwd = options.cwd ?? process.cwd();
  const clock = new CaptureClock();
  const warnings: string[] = [];
  const logger: Logger = { warn: (message) => void warnings.push(message), debug: () => {} };
  const services = defaultServices(clock, {}, logger);
  const registry = new PluginRegistry(services);
  const plugins = options.plugins ?? [];
  await registry.load(plugins, cwd);
  const triggering = options.triggers !== undefined;
  const missing = triggering ? await loadInstalled(registry, BUNDLED_TRIGGER_PACKAGES, plugins, cwd) : [];
  registry.add({ triggers: options.triggerKinds ?? [] }, 'triggerKinds');
  registry.add({ dissectors: options.dissectors ?? [] }, 'dissectors');
  checkDefaultOptions(registry);
  const problems = registry.configure(options.options ?? {});
  if (problems.length) throw new Error(problems.map((p) => `dissectors.${p.path.join('.')}: ${p.message}`).join('; '));
  const dissectors = registry.dissectors;
  const stats = new Statistics();
  const failures = new PluginFailures(stats, logger, true);
  const observers = [...(options.observers ?? (triggering ? tcpAnalyzer(cwd) : []))];
  if (triggering) observers.push(new TriggerEngine(buildTriggers(registry, options.triggers!, missing), undefined, failures));
  const sessions: DissectedSession[] = [];
  const sink: SessionSink = {
    session: (s) => void sessions.push(Object.assign(sessionRecord(s), { display: [...(s.displayLines ?? [])] })),
    finish: () => {},
  };
  const pipelineOptions = { clock, services, stats, failures, dissectors, observers, keepDisplay: true, limits: options.limits };
  return { sessions, sink, pipelineOptions, warnings };
}

/** A dissector's `defaultOptions` must be what its schema gives for no options: they stand in for it. */
function checkDefaultOptions(registry: PluginRegistry): void {
  for (const entry of registry.dissectorEntries) {
    if (!entry.defaultOptions || !entry.options) continue;
    const fromSchema = schemaOf(entry.options).parse({});
    if (!isDeepStrictEqual({ ...fromSchema }, { ...entry.defaultOptions })) {
      throw new Error(`dissector ${entry.name}: defaultOptions ${JSON.stringify(entry.defaultOptions)} are not what its options schema gives for none: ${JSON.stringify(fromSchema)}`);
    }
  }
}

function buildTriggers(registry: PluginRegistry, nodes: readonly unknown[], missing: readonly string[]) {
  const builder = new TriggerBuilder(registry, registry.services);
  return nodes.map((node) => {
    try {
      return builder.build(node);
    } catch (error) {
      const hint = missing.length ? `; not installed here: ${missing.join(', ')} (add them, or pakeana, to devDependencies)` : '';
      throw new Error(`trigger ${JSON.stringify(node)}: ${error instanceof Error ? error.message : error}${hint}`);
    }
  });
}

/**
 * Loads the packages that resolve from `cwd` or from the framework, unless `plugins` loaded
 * them already; returns the ones that are not installed.
 */
async function loadInstalled(registry: PluginRegistry, packages: readonly string[], plugins: readonly string[], cwd: string): Promise<string[]> {
  const loaded = new Set(plugins.map((name) => resolvePlugin(name, cwd)));
  const missing: string[] = [];
  for (const name of packages) {
    const path = installed(name, cwd);
    if (!path) missing.push(name);
    else if (!loaded.has(path)) await registry.load([name], cwd);
  }
  return missing;
}

/** The TCP analyzer, when `@pakeana/dissector-tcp` is installed. */
function tcpAnalyzer(cwd: string): SessionObserver[] {
  const path = installed('@pakeana/dissector-tcp', cwd);
  if (!path) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional package, found at run time
  const { TcpAnalyzer } = require(path) as { TcpAnalyzer: new () => SessionObserver };
  return [new TcpAnalyzer()];
}

/** The file a package resolves to from `cwd`, then from the framework's installation; null when it is not installed. */
function installed(name: string, cwd: string): string | null {
  for (const from of [createRequire(join(cwd, 'noop.js')), require]) {
    try {
      return from.resolve(name);
    } catch {
      // not there
    }
  }
  return null;
}
