import * as Flags from '@oclif/core/flags';
import { parseSize } from '@pakeana/framework';

/** Flags shared by `read` and `capture`. */
export const sessionFlags = {
  plugin: Flags.string({
    char: 'p',
    multiple: true,
    description: 'load a dissector or trigger plugin: a short name (http), an npm package, or a path',
  }),
  option: Flags.string({
    char: 'o',
    multiple: true,
    description: "set a dissector's option: NAME.key=value (value read as YAML: 10, true, [a, b]); wins over the config's dissectors: section",
  }),
  extract: Flags.string({ description: 'write each HTTP body (decoded) as a file in this directory (the http dissector\'s extract option; loads it)' }),
  'body-bytes': Flags.integer({ min: 0, description: 'the first N bytes of each HTTP body in its record (the http dissector\'s bodyBytes option; loads it)' }),
  config: Flags.string({ char: 'c', description: 'YAML file with plugins, dissector options, triggers, output and limits' }),
  format: Flags.string({ options: ['pretty', 'json'], description: 'output format [default: pretty]' }),
  all: Flags.boolean({ char: 'a', description: 'report every session (miruo -a)' }),
  export: Flags.string({ char: 'w', description: 'write the frames of every reported session to this pcap file' }),
  report: Flags.string({ description: 'write an HTML report (charts, the reported sessions, each with its ladder and time-sequence graphs) to this file' }),
  color: Flags.boolean({ allowNo: true, description: 'colour the pretty output [default: on a terminal]' }),
  'view-data': Flags.integer({ char: 'v', min: 0, description: 'context segments shown around each shown segment (miruo -v)' }),
  quiet: Flags.boolean({ char: 'q', description: 'narrow output: session headers and dissector lines only' }),
  reset: Flags.string({
    description: 'report sessions reset by RST; alone or "default": not a RST after a FIN, "all": every RST (miruo -R)',
    options: ['default', 'all'],
  }),
  retransmit: Flags.integer({ min: 0, description: 'report retransmissions at least MS after the original; alone: 1000 (miruo -r)' }),
  syn: Flags.boolean({ description: 'report retransmitted SYNs (miruo -S)' }),
  'long-connect': Flags.integer({ min: 0, description: 'report sessions open longer than MS (miruo -T)' }),
  'long-delay': Flags.integer({ min: 0, description: 'report a segment that waited longer than MS (miruo -t)' }),
  fragment: Flags.boolean({ description: 'report sessions carried in IP fragments (miruo -F)' }),
  'dissect-all': Flags.boolean({
    description: 'dissect every session, not only the reported ones (slower; the summary then counts the dissectors\' marks of every session)',
  }),
  'session-limit': Flags.integer({ min: 1, description: 'live sessions held at once; the idlest is evicted beyond it [default: 100000]' }),
  'memory-limit': Flags.custom<number>({
    description: 'memory held for the traffic (sessions, buffers, records), e.g. 256MiB; load is shed beyond it [default: 512MiB]',
    parse: async (text) => {
      const bytes = parseSize(text);
      if (bytes === null || bytes <= 0) throw new Error(`expected a size such as 256MiB, 1GB, not "${text}"`);
      return bytes;
    },
  })(),
  debug: Flags.boolean({ description: "print the stack trace of a plugin's exception with its warning" }),
  'segment-limit': Flags.integer({ min: 1, description: 'frames kept per session for export and printing [default: 100000]' }),
};
