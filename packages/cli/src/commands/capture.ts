import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { parseSize } from '@pakeana/framework';
import { LiveCaptureError, runLive } from '@pakeana/framework/internal';
import { failUsage } from '../errors.js';
import { setupRun } from '../run-setup.js';
import { stopOnSignals } from '../stop-signal.js';
import { sessionFlags } from '../shared-flags.js';

export default class Capture extends Command {
  static override summary = 'Capture live from an interface (libpcap) and report the TCP sessions that matter.';
  static override description =
    'Sessions are reported as they end, and as soon as a trigger fires on a session that stays open. Ctrl-C (SIGINT) or SIGTERM stops: open sessions are flushed, the export is finished and the summary printed. Needs libpcap and the right to capture (root, or CAP_NET_RAW).';
  static override examples = [
    '<%= config.bin %> capture -i eth0 --plugin http --filter "tcp port 80"',
    '<%= config.bin %> capture -i lo --plugin http --all --duration 10 --export /tmp/http.pcap',
  ];
  static override flags = {
    interface: Flags.string({ char: 'i', required: true, description: 'interface to capture on (eth0, lo, any)' }),
    filter: Flags.string({ char: 'f', description: 'BPF filter applied in the kernel, as tcpdump takes it ("tcp port 80")' }),
    duration: Flags.integer({ min: 1, description: 'stop after this many seconds' }),
    count: Flags.integer({ min: 1, description: 'stop after this many packets' }),
    'buffer-size': Flags.custom<number>({
      char: 'B',
      description:
        "libpcap's buffer, e.g. 64MiB: packets wait there while pakeana is busy; when it is full the kernel drops them (the summary's libpcap drop) [default: 16MiB]",
      parse: async (text) => {
        const bytes = parseSize(text);
        if (bytes === null || bytes < 1024 * 1024 || bytes > 2 ** 31 - 1) throw new Error(`expected a size from 1MiB to 2GiB, such as 64MiB, not "${text}"`);
        return bytes;
      },
    })(),
    ...sessionFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Capture);
    const setup = await setupRun(flags, { live: true, input: flags.interface }).catch((error) => failUsage(this, error));
    const stop = stopOnSignals();
    try {
      await runLive({
        ...setup.pipeline,
        sinks: setup.sinks,
        device: flags.interface,
        filter: flags.filter,
        bufferSize: flags['buffer-size'],
        duration: flags.duration,
        count: flags.count,
        signal: stop.signal,
        onInterrupt: stop.interrupt,
        pluginTimeout: setup.pluginTimeout,
      });
    } catch (error) {
      if (error instanceof LiveCaptureError) failUsage(this, error);
      throw error;
    } finally {
      stop.release();
    }
  }
}
