import type { Dissector } from '../dissect/api.js';
import { sessionRecord, type SessionRecord } from '../output/session-record.js';
import type { SessionSink } from '../output/sink.js';
import { runCapture } from '../pipeline/run.js';
import { CaptureClock, defaultServices } from '../pipeline/services.js';
import type { Statistics } from '../pipeline/statistics.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import type { SessionObserver } from '../sessions/observer.js';

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
  const clock = new CaptureClock();
  const services = defaultServices(clock);
  const registry = new PluginRegistry(services);
  await registry.load(options.plugins ?? [], options.cwd);
  const sessions: SessionRecord[] = [];
  const sink: SessionSink = { session: (s) => void sessions.push(sessionRecord(s)), finish: () => {} };
  const { stats, error } = await runCapture(file, {
    clock,
    services,
    dissectors: [...registry.dissectors, ...(options.dissectors ?? [])],
    observers: options.observers ?? [],
    reportAll: true,
    sinks: [sink],
  });
  return { sessions, stats, error };
}
