import type { SessionSink } from '../output/sink.js';
import { readCapture, type ReadOptions } from '../sources/capture-file.js';
import { InputFile } from '../sources/input-file.js';
import type { FrameGuard } from '../sources/frame-batch.js';
import { LiveCapture } from '../sources/live-capture.js';
import { TcpSession } from '../sessions/tcp-session.js';
import { Pipeline, type PipelineOptions } from './pipeline.js';
import { isMainThread } from 'node:worker_threads';
import { Reporter, type SessionReport } from './reporter.js';
import { Statistics } from './statistics.js';
import { Watchdog } from './watchdog.js';

/** Seconds a plugin call may run before it is stopped and its plugin isolated for the session. */
export const DEFAULT_PLUGIN_TIMEOUT = 1;

export interface RunOptions extends PipelineOptions {
  /** Report every session, not only triggered ones. */
  reportAll?: boolean;
  sinks: readonly SessionSink[];
  onProgress?(bytesRead: number, packets: number): void;
  /** The input was read (to its end or to the damage), before the sessions are finished. */
  onInputDone?(): void;
  signal?: AbortSignal;
  /**
   * Seconds a dissector or trigger call may run; a call still running then is stopped and its
   * plugin isolated for the session (see `Watchdog`).
   */
  pluginTimeout?: number;
  /** Ctrl-C stopped the run while frames were being handled (no SIGINT handler ran). */
  onInterrupt?(): void;
  /** Where finished sessions go instead of a `Reporter` on `sinks` (a worker's collector). */
  report?: SessionReport;
  /** Where a share's read ends on Ctrl-C (see `ReadOptions`). */
  chunkLimit?: ReadOptions['chunkLimit'];
}

export interface RunResult {
  stats: Statistics;
  /** The damage that stopped the read, if any (everything before it was reported). */
  error: Error | null;
}

/** Whether dissection waits for a report: with every session reported, each is dissected as it arrives. */
function onDemand(options: RunOptions): boolean {
  return (options.dissectOnDemand ?? false) && !options.reportAll;
}

/** The pipeline's options; `input`: the file deferred sessions read their bytes from again. */
function pipelineOptions(options: RunOptions, stats: Statistics, input: InputFile | null = null): PipelineOptions {
  return { ...options, stats, input, dissectOnDemand: onDemand(options) };
}

/**
 * A guard for frame handling: a plugin call still running after `pluginTimeout` is stopped and
 * its plugin isolated for the session (`stopped`); Ctrl-C while it runs is `interrupted` (the
 * plugin cut off is isolated too, and `onInterrupt` is told: no SIGINT handler ran).
 */
function guardPluginCalls(pipeline: Pipeline, options: RunOptions): FrameGuard {
  const timeoutMs = Math.round((options.pluginTimeout ?? DEFAULT_PLUGIN_TIMEOUT) * 1000);
  // A share's chunk is not cut by Ctrl-C: every share ends after the same chunk (see runSharded).
  const watchdog = new Watchdog(timeoutMs, isMainThread && options.shard === undefined);
  return (handle) => {
    const outcome = watchdog.run(handle);
    if (outcome === 'timeout') {
      pipeline.tracker.stopped(`a call did not return within ${timeoutMs} ms`);
      return 'stopped';
    }
    if (outcome === 'interrupted') {
      pipeline.tracker.stopped('a call was interrupted (Ctrl-C)');
      options.onInterrupt?.();
    }
    return outcome;
  };
}

/**
 * Finishes every open session under the guard: a dissector's `end` or a trigger that never
 * returns is cut off and isolated, and finishing goes on with the rest.
 */
function finishGuarded(pipeline: Pipeline, guard: FrameGuard): void {
  while (guard(() => pipeline.finish('eof')) !== 'done');
}

/**
 * Reads a capture file (or `-` for stdin) through the pipeline into the sinks. On damage the
 * sessions seen so far are finished and reported, the sinks finish, and the error is returned.
 */
export async function runCapture(input: string, options: RunOptions): Promise<RunResult> {
  const stats = options.stats ?? new Statistics();
  const reporter = options.report ?? new Reporter(options.sinks, stats, options.reportAll ?? false);
  // Deferred sessions read their bytes again from the file rather than keep copies.
  const file = onDemand(options) ? InputFile.open(input) : null;
  const pipeline = new Pipeline(pipelineOptions(options, stats, file), reporter.finished);
  reporter.bind?.(pipeline);
  let error: Error | null = null;
  const guard = guardPluginCalls(pipeline, options);
  try {
    await readCapture(input, pipeline.frame, { onProgress: options.onProgress, signal: options.signal, paced: () => reporter.drained(), guard, chunkLimit: options.chunkLimit });
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  options.onInputDone?.();
  finishGuarded(pipeline, guard);
  file?.close();
  await reporter.finish();
  return { stats, error };
}

export interface LiveRunOptions extends RunOptions {
  device: string;
  filter?: string;
  /** libpcap's buffer in bytes (default `DEFAULT_BUFFER_SIZE`). */
  bufferSize?: number;
  /** Stop after this many seconds. */
  duration?: number;
  /** Stop after this many packets. */
  count?: number;
}

/** How often idle and closed sessions are finished when no packet arrives, in ms. */
const LIVE_TICK_MS = 500;

/**
 * Captures from an interface until the signal aborts, `duration` passes or `count` packets
 * were read; then finishes every open session and the sinks. Throws LiveCaptureError (with
 * a message to act on) when the capture cannot start.
 */
export async function runLive(options: LiveRunOptions): Promise<RunResult> {
  const stats = options.stats ?? new Statistics();
  const reporter = new Reporter(options.sinks, stats, options.reportAll ?? false);
  const pipeline = new Pipeline(pipelineOptions(options, stats), reporter.finished);
  reporter.bind(pipeline);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const guardCalls = guardPluginCalls(pipeline, options);
  const guard: FrameGuard = (handle) => {
    const outcome = guardCalls(handle);
    if (outcome === 'interrupted') stop();
    return outcome;
  };
  const { count } = options;
  let capture: LiveCapture;
  try {
    capture = new LiveCapture({ device: options.device, filter: options.filter, bufferSize: options.bufferSize, guard }, (frame) => {
      if (count !== undefined && stats.packets >= count) return; // the rest of the batch that reached it
      pipeline.frame(frame);
      if (stats.packets === count) stop();
    });
  } catch (error) {
    reporter.abort();
    throw error;
  }
  const tick = setInterval(() => {
    const now = LiveCapture.now();
    // Finishing sessions calls plugins (end(), triggers) too.
    while (guard(() => pipeline.expire(now)) === 'stopped');
    reportStillOpen(pipeline, options.sinks, now);
  }, LIVE_TICK_MS);
  const timer = options.duration !== undefined ? setTimeout(stop, options.duration * 1000) : undefined;
  options.signal?.addEventListener('abort', () => stop(), { once: true });
  if (options.signal?.aborted) stop();
  await stopped;
  clearInterval(tick);
  if (timer) clearTimeout(timer);
  await capture.close();
  stats.libpcap = capture.counters;
  finishGuarded(pipeline, guardCalls);
  await reporter.finish();
  return { stats, error: null };
}

/** A session that stays open must not wait for its end to be seen (miruo waits). */
const STILL_OPEN_AFTER = 1;

/** Reports, once, each session a trigger fired on that has been open a while and is not closing. */
function reportStillOpen(pipeline: Pipeline, sinks: readonly SessionSink[], now: number): void {
  for (const session of pipeline.tracker.table.open()) {
    if (!(session instanceof TcpSession) || session.reportedOpen || session.triggers.length === 0 || session.closedAt >= 0 || now - session.start < STILL_OPEN_AFTER) continue;
    session.reportedOpen = true;
    for (const sink of sinks) sink.reportOpen?.(session, session.triggers.join(', '));
  }
}
