import type { Dissector } from '../dissect/api.js';
import { sessionRecord, type SessionRecord } from '../output/session-record.js';
import type { SessionSink } from '../output/sink.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { Reporter } from '../pipeline/reporter.js';
import { runCapture } from '../pipeline/run.js';
import { CaptureClock, defaultServices } from '../pipeline/services.js';
import { Statistics } from '../pipeline/statistics.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import type { SessionObserver } from '../sessions/observer.js';
import { newFrame } from '../sources/frame.js';
import type { TimedFrame } from './packet-builder.js';

export interface DissectOptions {
  /** Plugins to load by name or path, as `--plugin` takes them. */
  plugins?: string[];
  /** Dissector objects to use directly (e.g. the one under test). */
  dissectors?: Dissector[];
  /** Observers such as the TCP analyzer (`new TcpAnalyzer()` from @pakeana/dissector-tcp). */
  observers?: SessionObserver[];
  /** Directory plugin names are resolved from (default: the current directory). */
  cwd?: string;
}

export interface DissectResult {
  /** Every session, as its JSON record (the dissector's records under its name). */
  sessions: SessionRecord[];
  stats: Statistics;
  /** Damage that stopped the read, if any. */
  error: Error | null;
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
  return { sessions: run.sessions, stats, error };
}

/**
 * The same for crafted frames (see `Conversation` and `tcpFrame`), without a file:
 *
 *   const c = new Conversation('10.0.0.1:40000', '10.0.0.2:6379').handshake().send('client', '*1\r\n$4\r\nPING\r\n');
 *   const { sessions } = await dissectFrames(c.frames, { dissectors: [redis] });
 */
export async function dissectFrames(frames: readonly TimedFrame[], options: DissectOptions & { linkType?: number } = {}): Promise<DissectResult> {
  const run = await prepare(options);
  const reporter = new Reporter([run.sink], run.stats, true);
  const pipeline = new Pipeline({ ...run.pipelineOptions, stats: run.stats }, reporter.finished);
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
  return { sessions: run.sessions, stats: run.stats, error: null };
}

async function prepare(options: DissectOptions) {
  const clock = new CaptureClock();
  const services = defaultServices(clock);
  const registry = new PluginRegistry(services);
  await registry.load(options.plugins ?? [], options.cwd);
  const sessions: SessionRecord[] = [];
  const sink: SessionSink = { session: (s) => void sessions.push(sessionRecord(s)), finish: () => {} };
  const pipelineOptions = {
    clock,
    services,
    dissectors: [...registry.dissectors, ...(options.dissectors ?? [])],
    observers: options.observers ?? [],
  };
  return { sessions, sink, pipelineOptions, stats: new Statistics() };
}
