// An example third-party dissector for pakeana: Redis RESP (RESP2) over TCP.
// Plain CommonJS, no build step; at run time it needs only @pakeana/framework (a peer
// dependency: the pakeana it is installed next to). Load it with
//   pakeana read trace.pcap --plugin ./examples/dissector-redis --all --option redis.skip=[PING]
// Each command and its reply make one record: { command, args, reply, error, requestTime, replyTime }.
const { lazySchema } = require('@pakeana/framework');

/** Its options: `dissectors: { redis: {...} }` in the config, or `--option redis.KEY=VALUE`. */
const options = lazySchema((z) =>
  z
    .object({
      skip: z.array(z.string()).default([]).describe('commands left out of the records, e.g. [PING]'),
      markErrors: z.boolean().default(true).describe('mark the session redis.error-reply on an error reply'),
      maxValue: z.number().int().positive().default(65536).describe('bytes of one direction kept while a value is incomplete'),
    })
    .strict(),
);

/** Reads one RESP value from `text` at `at`; returns [value, next] or null when incomplete. */
function readValue(text, at) {
  const end = text.indexOf('\r\n', at);
  if (end < 0) return null;
  const type = text[at];
  const line = text.slice(at + 1, end);
  if (type === '+' || type === '-' || type === ':') return [{ type, line }, end + 2];
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return [{ type, line: null }, end + 2];
    if (text.length < end + 2 + length + 2) return null;
    return [{ type, line: text.slice(end + 2, end + 2 + length) }, end + 2 + length + 2];
  }
  if (type === '*') {
    const count = Number(line);
    const items = [];
    let next = end + 2;
    for (let i = 0; i < count; i++) {
      const item = readValue(text, next);
      if (!item) return null;
      items.push(item[0]);
      next = item[1];
    }
    return [{ type, items }, next];
  }
  // Inline command (telnet style): the whole line.
  return [{ type: 'inline', line: text.slice(at, end) }, end + 2];
}

const REPLY_TYPES = { '+': 'status', '-': 'error', ':': 'integer', $: 'bulk', '*': 'array', inline: 'inline' };

function create(context) {
  const { markErrors, maxValue } = context.options;
  const skip = new Set(context.options.skip.map((command) => command.toUpperCase()));
  const buffered = { client: '', server: '' };
  const waiting = [];
  let confirmed = false;
  const take = (dir, at) => {
    let text = buffered[dir];
    const values = [];
    for (;;) {
      const value = text.length ? readValue(text, 0) : null;
      if (!value) break;
      values.push(value[0]);
      text = text.slice(value[1]);
    }
    buffered[dir] = text.length > maxValue ? '' : text; // a runaway value is dropped, not buffered
    return values.map((value) => ({ value, at }));
  };
  return {
    data(dir, bytes, at) {
      buffered[dir] += Buffer.from(bytes).toString('latin1');
      for (const { value } of take(dir, at)) {
        if (!confirmed) {
          confirmed = true;
          context.confirm();
        }
        if (dir === 'client') {
          const words = value.items ? value.items.map((i) => i.line) : String(value.line).split(' ');
          const command = String(words[0] ?? '').toUpperCase();
          waiting.push({ command, args: words.length - 1, reply: null, error: null, requestTime: at, replyTime: null });
          context.display({ label: 'Command', text: words.join(' ').slice(0, 80), dir });
        } else {
          const record = waiting.shift() ?? { command: null, args: 0, reply: null, error: null, requestTime: null, replyTime: null };
          record.reply = REPLY_TYPES[value.type];
          record.replyTime = at;
          if (value.type === '-') {
            record.error = value.line;
            if (markErrors) context.mark('redis.error-reply');
          }
          context.display({ label: 'Reply', text: `${value.type}${value.line ?? `${value.items ? value.items.length : 0} items`}`.slice(0, 80), dir });
          if (!skip.has(record.command)) context.emit(record);
        }
      }
    },
    gap(dir) {
      buffered[dir] = ''; // resynchronise on the next value boundary we can find
    },
    end() {
      for (const record of waiting) if (!skip.has(record.command)) context.emit(record);
    },
  };
}

/** Client: an array of bulk strings; server: any RESP type marker. */
function probe(dir, head) {
  if (head.length < 2) return 'more';
  const first = String.fromCharCode(head[0]);
  if (dir === 'client') return first === '*' && head[1] >= 0x30 && head[1] <= 0x39 ? 'yes' : 'no';
  return '+-:$*'.includes(first) ? 'yes' : 'no';
}

module.exports = {
  apiVersion: 1, // the plugin API it was written for (API_VERSION of @pakeana/framework)
  name: 'redis',
  description: 'Redis RESP: one record per command and reply',
  ports: [6379],
  options,
  probe,
  create,
};
