import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { statSync } from 'node:fs';
import { sessionFlags } from '../shared-flags.js';
import { readCapture } from './read.js';

/** The trigger shortcuts: with none of them (and no config), every session is reported. */
const TRIGGER_FLAGS = ['reset', 'retransmit', 'syn', 'long-connect', 'long-delay', 'fragment'] as const;

export default class Report extends Command {
  static override summary = 'Write an HTML report of a capture: its timeline, HTTP rates and latencies, and every session with its ladder and time-sequence graphs.';
  static override description =
    'read FILE --report OUT --all --plugin http, without printing the sessions: a trigger flag or a config reports only the sessions their triggers fire on. The page is one self-contained file that opens from disk in any browser.';
  static override examples = ['<%= config.bin %> report trace.pcap -o trace.html', '<%= config.bin %> report trace.pcap -o resets.html --reset'];
  static override args = { file: Args.string({ required: true, description: 'capture file (pcap or pcapng), or - for standard input' }) };
  static override flags = {
    output: Flags.string({ char: 'o', required: true, description: 'the HTML file to write' }),
    plugin: sessionFlags.plugin,
    config: sessionFlags.config,
    'view-data': sessionFlags['view-data'],
    ...Object.fromEntries(TRIGGER_FLAGS.map((name) => [name, sessionFlags[name]])),
    'session-limit': sessionFlags['session-limit'],
    'memory-limit': sessionFlags['memory-limit'],
    'segment-limit': sessionFlags['segment-limit'],
    debug: sessionFlags.debug,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Report);
    const triggered = flags.config !== undefined || TRIGGER_FLAGS.some((name) => flags[name] !== undefined);
    const plugins = flags.plugin ?? [];
    await readCapture(this, args.file, { ...flags, report: flags.output, all: !triggered, plugin: plugins.includes('http') ? plugins : ['http', ...plugins] }, { reportOnly: true });
    process.stderr.write(`pakeana: report written to ${flags.output} (${kib(flags.output)} KiB)\n`);
  }
}

function kib(file: string): string {
  return (statSync(file).size / 1024).toFixed(0);
}
