import {
  CaptureClock,
  JsonSink,
  PluginRegistry,
  TriggerBuilder,
  TriggerEngine,
  defaultServices,
  formatProblem,
  loadConfig,
  type ConfigFile,
  type PipelineOptions,
  type SessionObserver,
  type SessionSink,
} from '@pakeana/framework';
import { TcpAnalyzer } from '@pakeana/dissector-tcp';
import { PrettySink } from './pretty-sink.js';
import { BUNDLED_TRIGGER_PLUGINS, buildTriggers, type ShortcutFlags } from './trigger-setup.js';

/** Flag values as `read` and `capture` parse them (see shared-flags.ts). */
export interface SessionFlagValues extends ShortcutFlags {
  plugin?: string[];
  config?: string;
  format?: string;
  export?: string;
  color?: boolean;
  'view-data'?: number;
  quiet?: boolean;
  'session-limit'?: number;
  'segment-limit'?: number;
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
  sinks: SessionSink[];
  registry: PluginRegistry;
}

/**
 * Builds a run from the flags and the config file: plugins, observers (TCP analysis first,
 * then triggers), sinks. Command-line flags win over the config file.
 */
export async function setupRun(flags: SessionFlagValues, out: NodeJS.WriteStream = process.stdout): Promise<RunSetup> {
  const clock = new CaptureClock();
  const services = defaultServices(clock);
  const registry = new PluginRegistry(services);
  await registry.load([...BUNDLED_TRIGGER_PLUGINS, ...(flags.plugin ?? [])]);
  const config = flags.config ? await readConfig(flags.config, registry) : undefined;
  const output = config?.output ?? {};
  const format = flags.format ?? output.format ?? 'pretty';
  const triggers = buildTriggers(flags, registry, config);
  const observers: SessionObserver[] = [new TcpAnalyzer(), new TriggerEngine(triggers)];
  const sinks: SessionSink[] = [format === 'json' ? new JsonSink(out) : new PrettySink(out)];
  const limits = config?.limits ?? {};
  return {
    registry,
    sinks,
    pipeline: {
      clock,
      services,
      dissectors: registry.dissectors,
      observers,
      keepFrames: (flags.export ?? output.export) !== undefined,
      keepDisplay: format === 'pretty',
      limits: {
        ...(limits.sessions ? { sessions: limits.sessions } : {}),
        ...(limits.bufferedBytes ? { bufferedBytes: limits.bufferedBytes } : {}),
        ...(limits.idleTimeout ? { idleTimeout: limits.idleTimeout } : {}),
        ...(limits.segmentsPerSession ? { segmentsPerSession: limits.segmentsPerSession } : {}),
        ...(flags['session-limit'] ? { sessions: flags['session-limit'] } : {}),
        ...(flags['segment-limit'] ? { segmentsPerSession: flags['segment-limit'] } : {}),
      },
    },
  };
}

async function readConfig(file: string, registry: PluginRegistry): Promise<ConfigFile> {
  const result = await loadConfig(file, registry, new TriggerBuilder(registry, registry.services));
  if (!result.ok) throw new UsageError(result.problems.map((p) => formatProblem(file, p)));
  return result.config;
}
