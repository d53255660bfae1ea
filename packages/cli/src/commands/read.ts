import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { onceLogger, runCapture, runSharded, stderrLogger, TextCapture, type RunResult } from '@pakeana/framework/internal';
import { accessSync, constants, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { failUsage, failInput } from '../errors.js';
import { Progress } from '../progress.js';
import { setupRun, type RunMode, type RunSetup, type SessionFlagValues } from '../run-setup.js';
import type { ReadWorkerData } from '../shard-worker.js';
import { stopOnSignals } from '../stop-signal.js';
import { sessionFlags } from '../shared-flags.js';

/** Shares by default, at most: every share decodes every packet, so more pay less and less. */
const MAX_AUTO_WORKERS = 4;
/**
 * A capture smaller than this is read in one thread by default: each share's start, and its
 * isolate compiling the hot code again, cost more than they save (on 112 MB, 2 shares on 2 cores
 * took 1.15-1.44 times as long; on 560 MB, 0.79-0.99 times).
 */
const AUTO_WORKERS_FROM = 128 * 1048576;

export default class Read extends Command {
  static override summary = 'Read a pcap or pcapng file and report the TCP sessions that matter.';
  static override description =
    'Rebuilds every TCP session of the capture, runs the dissectors and triggers, and prints the sessions a trigger fired on (every session with --all). Use - to read standard input, e.g. tcpdump -w - | pakeana read -.';
  static override examples = [
    '<%= config.bin %> read trace.pcapng --plugin http --all',
    '<%= config.bin %> read trace.pcap --plugin http --format json | jq .http',
    'tcpdump -i eth0 -w - | <%= config.bin %> read - --plugin http',
  ];
  static override args = { file: Args.string({ required: true, description: 'capture file (pcap or pcapng), or - for standard input' }) };
  static override flags = {
    ...sessionFlags,
    workers: Flags.integer({
      char: 'j',
      min: 1,
      description: `worker threads, each following a share of the sessions (the output is one thread's while no limit is reached) [default: 1 below ${AUTO_WORKERS_FROM / 1048576} MiB of capture, else half the cores, at most ${MAX_AUTO_WORKERS}]`,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Read);
    await readCapture(this, args.file, flags, {}, flags.workers);
  }
}

/**
 * Reads `file` (or - for stdin) through the run the flags describe (`read`, and `report` with
 * its defaults), in `asked` workers or as many as `workerCount` picks.
 */
export async function readCapture(command: Command, file: string, flags: SessionFlagValues, mode: RunMode = {}, asked?: number): Promise<void> {
  if (file !== '-') checkReadable(command, file);
  const setup = await setupRun(flags, { ...mode, input: file }).catch((error) => failUsage(command, error));
  const workers = workerCount(command, file, asked, setup);
  const stop = stopOnSignals();
  const progress = new Progress(file);
  const common = { signal: stop.signal, onProgress: progress.update, onInputDone: () => progress.done() };
  let result: RunResult;
  if (workers > 1) {
    // The shares render into memory, not to the terminal: they are told whether to colour.
    const shareFlags = { ...flags, color: setup.color };
    const data: ReadWorkerData = { flags: shareFlags };
    const workerScript = pathToFileURL(join(command.config.root, 'bin', 'worker.js'));
    const { stats, memory } = setup.pipeline;
    const output = new TextCapture();
    // Every thread meets the same plugin failures: their warnings are printed once.
    const logger = onceLogger(stderrLogger);
    const own = await setupRun(shareFlags, { stdout: output.stream, shards: workers, logger });
    const local = { options: { ...own.pipeline, sinks: own.sinks, pluginTimeout: own.pluginTimeout }, output };
    result = await runSharded(file, { ...common, workers, local, workerScript, data, out: process.stdout, sinks: setup.sinks, stats, memory, idText: setup.idText, logger }).catch(
      (error: Error) => failInput(command, file, error),
    );
  } else {
    result = await runCapture(file, { ...setup.pipeline, ...common, sinks: setup.sinks, onInterrupt: stop.interrupt, pluginTimeout: setup.pluginTimeout });
  }
  stop.release();
  if (result.error) failInput(command, file, result.error);
}

/**
 * How many workers a run gets: as asked, or by default half the cores (at most
 * MAX_AUTO_WORKERS) for a file large enough to pay for their start. Standard input or a pipe
 * (each worker reads the input itself), `--export`, `--extract` and `--report` need one.
 */
function workerCount(command: Command, file: string, asked: number | undefined, setup: RunSetup): number {
  const oneFor = file === '-' ? 'reading standard input' : !statSync(file).isFile() ? 'reading a pipe' : setup.oneThreadFor;
  if (asked !== undefined) {
    if (asked > 1 && oneFor) failUsage(command, new Error(`--workers ${asked}: ${oneFor} needs one worker`));
    return asked;
  }
  if (oneFor || statSync(file).size < AUTO_WORKERS_FROM) return 1;
  // Half: V8's compiler and collector threads take about half a core per share.
  return Math.max(1, Math.min(Math.floor(availableParallelism() / 2), MAX_AUTO_WORKERS));
}

/** A file that cannot be opened is misuse, found before any output starts. */
function checkReadable(command: Command, file: string): void {
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    accessSync(file, constants.R_OK);
  } catch (error) {
    failInput(command, file, error as Error);
  }
}
