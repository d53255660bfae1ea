import type { Logger } from '@pakeana/framework';
import {
  CaptureClock,
  JsonSink,
  PcapExportSink,
  PluginRegistry,
  PrettySink,
  SegmentRecorder,
  Statistics,
  summaryText,
  TriggerBuilder,
  TriggerEngine,
  defaultServices,
  formatProblem,
  loadConfig,
  DEFAULT_LIMITS,
  DEFAULT_MEMORY_LIMIT,
  MemoryAccount,
  PluginFailures,
  pad4,
  flagAt,
  mergeOptions,
  parseOptionFlags,
  type ConfigFile,
  type OptionFlags,
  type PipelineOptions,
  type SessionObserver,
  type SessionSink,
} from '@pakeana/framework/internal';
import { TcpAnalyzer } from '@pakeana/dissector-tcp';
import { BUNDLED_TRIGGER_PLUGINS, buildTriggers, type ShortcutFlags } from './trigger-setup.js';

/** Flag values as `read` and `capture` parse them (see shared-flags.ts). */
export interface SessionFlagValues extends ShortcutFlags {
  plugin?: string[];
  option?: string[];
  extract?: string;
  'body-bytes'?: number;
  config?: string;
  format?: string;
  export?: string;
  report?: string;
  color?: boolean;
  'view-data'?: number;
  quiet?: boolean;
  'session-limit'?: number;
  'segment-limit'?: number;
  'memory-limit'?: number;
  'dissect-all'?: boolean;
  debug?: boolean;
}

/** A usage problem with several lines to print as they are (config problems). */
export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'UsageError';
  }
}

export interface RunSetup {
  pipeline: PipelineOptions;
  /** Seconds a plugin call may run (`limits.pluginTimeout`). */
  pluginTimeout?: number;
  sinks: SessionSink[];
  registry: PluginRegistry;
  /** How the output writes a session id (the stand-in ids of workers are replaced so). */
  idText(id: number): string;
  /** What makes the run need one thread (`--export`, `--extract`), null when nothing does. */
  oneThreadFor: string | null;
  /** Whether the pretty output is coloured (as asked, or on a terminal): the workers, who write to the main thread, are told. */
  color: boolean;
}

/** Where a run writes: sessions to `stdout`, the pretty summary to `stderr` (the process's own by default). */
export interface RunMode {
  live?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  /** A worker of a run split between this many: its share of the memory limit, each session's output written at once. */
  shards?: number;
  /** Where warnings go (stderr by default). */
  logger?: Logger;
  /** The capture's name (file or interface), for the report's title. */
  input?: string;
  /** `pakeana report`: the report and the summary only, no session on stdout. */
  reportOnly?: boolean;
}

/**
 * Builds a run from the flags and the config file: plugins and their options, observers (TCP
 * analysis first, then triggers), sinks. Command-line flags win over the config file.
 */
export async function setupRun(flags: SessionFlagValues, mode: RunMode = {}): Promise<RunSetup> {
  const { stdout = process.stdout, stderr = process.stderr } = mode;
  const clock = new CaptureClock();
  const stats = new Statistics();
  const httpOptions = httpShortcutOptions(flags);
  const optionFlags = parseOptionFlags([...(flags.option ?? []), ...httpOptions]);
  const registry = new PluginRegistry(defaultServices(clock, {}, mode.logger));
  const services = registry.services;
  const plugins = flags.plugin ?? [];
  await registry.load([...BUNDLED_TRIGGER_PLUGINS, ...plugins, ...(httpOptions.length && !plugins.includes('http') ? ['http'] : [])]);
  const config = flags.config ? await readConfig(flags.config, registry) : undefined;
  configureDissectors(registry, config?.dissectors ?? {}, optionFlags);
  const output = config?.output ?? {};
  const limits = config?.limits ?? {};
  const format = flags.format ?? output.format ?? 'pretty';
  const exportFile = flags.export ?? output.export;
  const segmentLimit = flags['segment-limit'] ?? limits.segmentsPerSession ?? DEFAULT_LIMITS.segmentsPerSession;
  const memory = new MemoryAccount(Math.floor((flags['memory-limit'] ?? limits.memory ?? DEFAULT_MEMORY_LIMIT) / (mode.shards ?? 1)));
  const flushEachSession = mode.live || mode.shards !== undefined;
  // The export first: it finishes (and counts the frames it drops) before a summary is printed.
  const sinks: SessionSink[] = exportFile ? [new PcapExportSink(exportFile)] : [];
  const failures = new PluginFailures(stats, services.logger, flags.debug ?? false);
  const observers: SessionObserver[] = [new TcpAnalyzer(), new TriggerEngine(buildTriggers(flags, registry, config), undefined, failures)];
  const viewData = flags['view-data'] ?? output.viewData ?? 0;
  const color = flags.color ?? output.color ?? stdout.isTTY === true;
  const recorder = format === 'pretty' || flags.report ? new SegmentRecorder(segmentLimit, () => stats.droppedSegments++, memory) : null;
  if (recorder) observers.push(recorder);
  if (flags.report) {
    // Loaded only for a report: it is not in the start-up bundle (scripts/bundle.mjs).
    const { createReport } = await import('@pakeana/report');
    const report = createReport(flags.report, recorder!, { title: mode.input ?? 'capture', viewData });
    observers.push(report.observer);
    sinks.push(report.sink);
  }
  if (mode.reportOnly) {
    sinks.push({ session: () => {}, finish: (s) => void stderr.write(summaryText(s)) });
  } else if (format === 'json') {
    sinks.push(new JsonSink(stdout, flushEachSession));
    if (mode.live) sinks.push({ session: () => {}, finish: (s) => void stderr.write(summaryText(s)) });
  } else {
    sinks.push(new PrettySink(stdout, recorder!, { color, viewData, quiet: flags.quiet ?? output.quiet ?? false, summaryOut: stderr, live: flushEachSession }));
  }
  return {
    registry,
    sinks,
    idText: format === 'json' ? String : pad4,
    oneThreadFor: oneThreadFor(flags, exportFile, services.options('http')),
    color,
    pluginTimeout: limits.pluginTimeout,
    pipeline: {
      clock,
      services,
      stats,
      memory,
      failures,
      dissectors: registry.dissectors,
      observers,
      keepFrames: exportFile !== undefined,
      keepDisplay: recorder !== null,
      dissectOnDemand: !flags['dissect-all'],
      limits: {
        ...(limits.sessions ? { sessions: limits.sessions } : {}),
        ...(limits.halfOpen ? { halfOpen: limits.halfOpen } : {}),
        ...(limits.bufferedBytes ? { bufferedBytes: limits.bufferedBytes } : {}),
        ...(limits.idleTimeout ? { idleTimeout: limits.idleTimeout } : {}),
        ...(flags['session-limit'] ? { sessions: flags['session-limit'] } : {}),
        segmentsPerSession: segmentLimit,
      },
    },
  };
}

/** What needs the run in one thread: the export's frames in capture order, the extract's and the report's session ids. */
function oneThreadFor(flags: SessionFlagValues, exportFile: string | undefined, http: Readonly<Record<string, unknown>>): string | null {
  if (exportFile !== undefined) return '--export';
  if (http.extract !== undefined) return '--extract';
  return flags.report !== undefined ? '--report' : null;
}

/**
 * `--extract DIR` and `--body-bytes N` as the http dissector's options they stand for, in the
 * `--option` form (the value in JSON, which YAML reads as it is).
 */
function httpShortcutOptions(flags: SessionFlagValues): string[] {
  const options: string[] = [];
  if (flags.extract !== undefined) options.push(`http.extract=${JSON.stringify(flags.extract)}`);
  if (flags['body-bytes'] !== undefined) options.push(`http.bodyBytes=${flags['body-bytes']}`);
  return options;
}

/**
 * Validates the dissectors' options (the config's, with the `--option` flags over them) and
 * builds the dissector classes. The config's own were checked with the file; a problem now
 * is one line naming the flag to blame.
 */
function configureDissectors(registry: PluginRegistry, configured: Readonly<Record<string, unknown>>, optionFlags: OptionFlags): void {
  const problems = registry.configure(mergeOptions(configured, optionFlags.options));
  if (!problems.length) return;
  throw new UsageError(
    problems.map((p) => {
      const flag = flagAt(optionFlags.flags, p.path);
      return `pakeana: ${flag ? `--option ${flag}` : `dissectors.${p.path.join('.')}`}: ${p.message}`;
    }),
  );
}

async function readConfig(file: string, registry: PluginRegistry): Promise<ConfigFile> {
  const result = await loadConfig(file, registry, new TriggerBuilder(registry, registry.services));
  if (!result.ok) throw new UsageError(result.problems.map((p) => formatProblem(file, p)));
  return result.config;
}
