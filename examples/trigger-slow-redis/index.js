// An example third-party trigger package for pakeana: `redis.slow` reports the sessions where
// a Redis command was answered more than `over` after it was sent. It watches the records of
// the Redis dissector (examples/dissector-redis). Plain CommonJS with no build step:
//   pakeana read trace.pcap --plugin ./examples/dissector-redis --plugin ./examples/trigger-slow-redis --config slow.yaml
// with `triggers: [{ redis.slow: { over: 200ms } }]` in slow.yaml.
const { duration, lazySchema } = require('@pakeana/framework');

/** Built on first use: a run that does not configure `redis.slow` does not load zod. */
const options = lazySchema((z) =>
  z
    .object({
      over: duration().describe('how late a reply may come: 200ms, 1s'),
      commands: z.array(z.string()).optional().describe('only these commands (upper case), e.g. [GET, SET]'),
    })
    .strict(),
);

/** @type {import('@pakeana/framework').TriggerKind<{ over: number, commands?: string[] }>} */
const slow = {
  name: 'redis.slow',
  description: 'a Redis command answered more than over after it (commands: only these)',
  options,
  create: ({ over, commands }) => ({ name: 'redis.slow', watch: (_session, fire) => new SlowWatch(over, commands, fire) }),
};

/**
 * One session's watch. Only `record` is needed here; a watch may also have segment(event),
 * mark(reason) and end(). A class rather than an object literal: no closures per session.
 */
class SlowWatch {
  constructor(over, commands, fire) {
    this.over = over;
    this.commands = commands;
    this.fire = fire;
  }

  record(protocol, record) {
    if (protocol !== 'redis' || record.requestTime === null || record.replyTime === null) return;
    if (this.commands && !this.commands.includes(record.command)) return;
    if (record.replyTime - record.requestTime > this.over) this.fire();
  }
}

module.exports = { apiVersion: 1, triggers: [slow] };
