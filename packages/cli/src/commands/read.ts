import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { runCapture } from '@pakeana/framework/internal';
import { accessSync, constants, statSync } from 'node:fs';
import { failUsage, failInput } from '../errors.js';
import { Progress } from '../progress.js';
import { setupRun, type RunMode, type SessionFlagValues } from '../run-setup.js';
import { stopOnSignals } from '../stop-signal.js';
import { sessionFlags } from '../shared-flags.js';

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
  static override flags = sessionFlags;

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Read);
    await readCapture(this, args.file, flags);
  }
}

/** Reads `file` (or - for stdin) through the run the flags describe (`read`, and `report` with its defaults). */
export async function readCapture(command: Command, file: string, flags: SessionFlagValues, mode: RunMode = {}): Promise<void> {
  if (file !== '-') checkReadable(command, file);
  const setup = await setupRun(flags, { ...mode, input: file }).catch((error) => failUsage(command, error));
  const stop = stopOnSignals();
  const progress = new Progress(file);
  const result = await runCapture(file, { ...setup.pipeline, sinks: setup.sinks, signal: stop.signal, onInterrupt: stop.interrupt, pluginTimeout: setup.pluginTimeout, onProgress: progress.update, onInputDone: () => progress.done() });
  stop.release();
  if (result.error) failInput(command, file, result.error);
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
