import {
  CaptureClock,
  JsonSink,
  PluginRegistry,
  TriggerEngine,
  defaultServices,
  type PipelineOptions,
  type SessionObserver,
  type SessionSink,
} from '@pakeana/framework';
import { TcpAnalyzer } from '@pakeana/dissector-tcp';
import { PrettySink } from './pretty-sink.js';

/** Flag values as `read` and `capture` parse them (see shared-flags.ts). */
export interface SessionFlagValues {
  plugin?: string[];
  config?: string;
  format?: string;
  all?: boolean;
  export?: string;
  color?: boolean;
  'view-data'?: number;
  quiet?: boolean;
  'session-limit'?: number;
  'segment-limit'?: number;
}

export interface RunSetup {
  pipeline: PipelineOptions;
  sinks: SessionSink[];
  reportAll: boolean;
  registry: PluginRegistry;
}

/** Builds a run from the flags: plugins, observers (TCP analysis, triggers), sinks. */
export async function setupRun(
  flags: SessionFlagValues,
  out: NodeJS.WriteStream = process.stdout,
  mode: { live?: boolean } = {},
): Promise<RunSetup> {
  void mode;
  const clock = new CaptureClock();
  const services = defaultServices(clock);
  const registry = new PluginRegistry(services);
  await registry.load(flags.plugin ?? []);
  const format = flags.format ?? 'pretty';
  const observers: SessionObserver[] = [new TcpAnalyzer(), new TriggerEngine([])];
  const sinks: SessionSink[] = [format === 'json' ? new JsonSink(out) : new PrettySink(out)];
  return {
    registry,
    reportAll: flags.all ?? false,
    sinks,
    pipeline: {
      clock,
      services,
      dissectors: registry.dissectors,
      observers,
      keepFrames: flags.export !== undefined,
      keepDisplay: format === 'pretty',
      limits: {
        ...(flags['session-limit'] ? { sessions: flags['session-limit'] } : {}),
        ...(flags['segment-limit'] ? { segmentsPerSession: flags['segment-limit'] } : {}),
      },
    },
  };
}
