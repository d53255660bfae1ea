// __PACKAGE__: a pakeana dissector for __LABEL__.
//
// As generated, it reads a line protocol whose server speaks first and answers each command
// with a line that starts with a three-digit code (as SMTP and FTP do): one record per
// command and its reply. Change the parsing into your protocol's, keep the shape: a probe,
// a session per connection, records, marks and display lines. See docs/writing-a-dissector.md
// in pakeana's repository for the contract.
import { lazySchema, type Direction, type Dissector, type DissectorSession, type EndReason, type SchemaSource, type SessionContext, type Timestamp } from '@pakeana/framework';

/** Options: `dissectors: { __NAME__: {...} }` in the config file, or `--option __NAME__.KEY=VALUE`. */
export interface __TYPE__Options {
  /** Reply codes from this one on are errors: `error` in the record, and the mark `__NAME__.error-reply`. */
  errorFrom: number;
  /** The longest line kept; the rest of a longer one is skipped and the session marked `__NAME__.long-line`. */
  maxLineLength: number;
}

/** One command and its reply; the server's greeting is a reply without a command. */
export interface __TYPE__Record {
  /** The command word, upper case (null for the greeting, or a reply whose command was not seen). */
  command: string | null;
  /** The rest of the command line, or null. */
  argument: string | null;
  /** The reply code, or null when the reply was not seen. */
  code: number | null;
  /** The reply text (the lines of a multi-line reply joined by newlines), or null. */
  reply: string | null;
  /** The code is `errorFrom` or more. */
  error: boolean;
  requestTime: Timestamp | null;
  replyTime: Timestamp | null;
}

// Schemas are built on first use (lazySchema): a run that validates nothing does not load zod.
// Typed with the interfaces above, so that TypeScript checks they agree.
const options: SchemaSource<__TYPE__Options> = lazySchema((z) =>
  z
    .object({
      errorFrom: z.number().int().min(100).max(999).default(400).describe('reply codes from this one on are errors'),
      maxLineLength: z.number().int().positive().default(4096).describe('the longest line kept'),
    })
    .strict(),
);

const records: SchemaSource<__TYPE__Record> = lazySchema((z) =>
  z.object({
    command: z.string().nullable().describe('the command word, upper case'),
    argument: z.string().nullable().describe('the rest of the command line'),
    code: z.number().int().nullable().describe('the reply code'),
    reply: z.string().nullable().describe('the reply text'),
    error: z.boolean().describe('the code is errorFrom or more'),
    requestTime: z.number().nullable().describe('capture time of the command'),
    replyTime: z.number().nullable().describe('capture time of the reply'),
  }),
);

/** Commands waiting for their reply, at most: beyond, the oldest is reported without one. */
const MAX_PENDING = 100;
const LF = 0x0a;

const __IDENT__: Dissector<__TYPE__Options> = {
  apiVersion: 1,
  name: '__NAME__',
  description: '__LABEL__: one record per command and reply',
  // Server ports it claims, e.g. [25]; sessions on other ports are found by the probe.
  ports: [],
  options,
  records,
  probe(dir, head) {
    if (dir === 'client') return 'no'; // the server speaks first
    for (let i = 0; i < Math.min(3, head.length); i++) if (head[i]! < 0x30 || head[i]! > 0x39) return 'no';
    if (head.length < 4) return 'more';
    return head[3] === 0x20 || head[3] === 0x2d ? 'yes' : 'no';
  },
  create: (context) => new __TYPE__Session(context),
};

export default __IDENT__;

/** One connection: a line reader per direction, and the commands waiting for replies. */
class __TYPE__Session implements DissectorSession {
  private readonly lines = { client: new LineReader(), server: new LineReader() };
  private readonly pending: __TYPE__Record[] = [];
  /** Lines of a multi-line reply so far (`250-first`, then `250 last`). */
  private replyLines: string[] = [];
  private confirmed = false;

  constructor(private readonly context: SessionContext<__TYPE__Options>) {}

  data(dir: Direction, bytes: Uint8Array, at: Timestamp): void {
    const reader = this.lines[dir];
    reader.read(bytes, this.context.options.maxLineLength, (line) => (dir === 'client' ? this.command(line, at) : this.replyLine(line, at)));
    if (reader.cut) {
      reader.cut = false;
      this.context.mark('__NAME__.long-line');
    }
  }

  gap(dir: Direction): void {
    // The line the hole cut is lost: resynchronise at the next line end.
    this.lines[dir].skipLine();
  }

  end(_reason: EndReason): void {
    // Commands never answered are reported too.
    for (const record of this.pending.splice(0)) this.context.emit(record);
  }

  private command(line: string, at: Timestamp): void {
    const space = line.indexOf(' ');
    const command = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const argument = space < 0 ? null : line.slice(space + 1);
    if (this.pending.length >= MAX_PENDING) this.context.emit(this.pending.shift()!);
    this.pending.push(newRecord(command, argument, at));
    if (this.context.displaying) this.context.display({ label: 'Command', text: line, dir: 'client' });
  }

  private replyLine(line: string, at: Timestamp): void {
    const match = /^(\d{3})([ -])(.*)$/.exec(line);
    if (!match) {
      if (!this.confirmed) this.context.reject('the server does not answer with NNN lines');
      return;
    }
    if (!this.confirmed) {
      this.confirmed = true;
      this.context.confirm();
    }
    if (this.context.displaying) this.context.display({ label: 'Reply', text: line, dir: 'server' });
    this.replyLines.push(match[3]!);
    if (match[2] === '-') return; // more lines of this reply follow
    const record = this.pending.shift() ?? newRecord(null, null, null);
    record.code = Number(match[1]);
    record.reply = this.replyLines.join('\n');
    record.error = record.code >= this.context.options.errorFrom;
    record.replyTime = at;
    this.replyLines = [];
    this.context.emit(record);
    if (record.error) this.context.mark('__NAME__.error-reply');
  }
}

function newRecord(command: string | null, argument: string | null, requestTime: Timestamp | null): __TYPE__Record {
  return { command, argument, code: null, reply: null, error: false, requestTime, replyTime: null };
}

/** Splits one direction's bytes into lines (CRLF or LF), each at most `limit` characters. */
class LineReader {
  private partial = '';
  /** 'cut': the line is too long, the rest of it is skipped; 'lost': a hole cut the line, it is dropped. */
  private skip: 'no' | 'cut' | 'lost' = 'no';
  /** A line was too long since the last look. */
  cut = false;

  read(bytes: Uint8Array, limit: number, onLine: (line: string) => void): void {
    let start = 0;
    while (start < bytes.length) {
      const lf = bytes.indexOf(LF, start);
      const end = lf < 0 ? bytes.length : lf;
      // The bytes are valid only during this call: the text made of them is a copy.
      if (this.skip === 'no') this.partial += Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
      if (this.partial.length > limit) {
        this.partial = this.partial.slice(0, limit);
        this.skip = 'cut';
        this.cut = true;
      }
      if (lf < 0) return;
      const line = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
      const lost = this.skip === 'lost';
      this.partial = '';
      this.skip = 'no';
      if (!lost && line) onLine(line);
      start = lf + 1;
    }
  }

  /** A hole: the line it cut is dropped, reading starts again after the next line end. */
  skipLine(): void {
    this.partial = '';
    this.skip = 'lost';
  }
}
