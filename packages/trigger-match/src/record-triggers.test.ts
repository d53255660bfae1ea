import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lazySchema, type Dissector, type TcpSession } from '@pakeana/framework';
import { PluginRegistry, TriggerBuilder, defaultServices } from '@pakeana/framework/internal';
import plugin from './index.js';

/** A third-party dissector that declares its records, and one that does not. */
const smtp: Dissector = {
  name: 'smtp',
  records: lazySchema((z) =>
    z.object({ command: z.string().nullable(), code: z.number().int().nullable(), lines: z.array(z.string()), rcpt: z.array(z.object({ address: z.string() })) }).strict(),
  ),
  create: () => ({ data() {}, gap() {}, end() {} }),
};
const redis: Dissector = { name: 'redis', create: () => ({ data() {}, gap() {}, end() {} }) };
const broken = { name: 'broken', records: { type: 'object' }, create: () => ({ data() {}, gap() {}, end() {} }) } as unknown as Dissector;

const registry = new PluginRegistry(defaultServices());
registry.add(plugin, 'trigger-match');
registry.add({ dissectors: [smtp, redis, broken] }, 'test');
const builder = new TriggerBuilder(registry, defaultServices());
const session = { client: { ip: '192.0.2.1', port: 40000 }, server: { ip: '10.0.0.1', port: 25 } } as unknown as TcpSession;

type Event = ['record', string, object] | ['mark', string];

/** The details of each firing of a trigger over a session's events, then `end`. */
function firings(node: unknown, events: Event[]): (string | undefined)[] {
  const fired: (string | undefined)[] = [];
  const watch = builder.build(node).watch(session, (detail) => fired.push(detail));
  for (const event of events) {
    if (event[0] === 'record') watch.record?.(event[1], event[2]);
    else watch.mark?.(event[1]);
  }
  watch.end?.();
  return fired;
}

const reply = (command: string | null, code: number, ...rcpt: string[]) => ({ command, code, lines: [`${code} x`], rcpt: rcpt.map((address) => ({ address })) });

test('record: fires once, on the first record of its protocol on which every condition holds, with the matched values', () => {
  const events: Event[] = [
    ['record', 'smtp', reply('MAIL', 250)],
    ['record', 'other', { code: 550 }],
    ['record', 'smtp', reply('RCPT', 550, 'a@example.com')],
    ['record', 'smtp', reply('RCPT', 551)],
  ];
  assert.deepEqual(firings({ record: { protocol: 'smtp', where: { code: { min: 500 } } } }, events), ['code=550']);
  assert.deepEqual(firings({ record: { protocol: 'smtp', where: { command: 'RCPT', 'rcpt.address': '*@example.com' } } }, events), [
    'command="RCPT" rcpt.address="a@example.com"',
  ]);
  assert.deepEqual(firings({ record: { protocol: 'smtp' } }, events), [undefined]);
  assert.deepEqual(firings({ record: { protocol: 'smtp', where: { code: 421 } } }, events), []);
  // A dissector without a record schema: any field may be named, a missing one never matches.
  assert.deepEqual(firings({ record: { protocol: 'redis', where: { error: 'ERR*' } } }, [['record', 'redis', { reply: 'ok' }], ['record', 'redis', { error: 'ERR no' }]]), [
    'error="ERR no"',
  ]);
  assert.deepEqual(firings({ record: { protocol: 'nosuch', where: { x: 1 } } }, [['record', 'nosuch', { y: 1 }]]), []);
});

test('mark: a name, a glob or a /regex/, fired with the mark', () => {
  const events: Event[] = [['mark', 'tcp.overlap-conflict'], ['mark', 'smtp.error-reply'], ['mark', 'smtp.bad-line']];
  assert.deepEqual(firings({ mark: 'smtp.error-reply' }, events), ['smtp.error-reply']);
  assert.deepEqual(firings({ mark: 'smtp.*' }, events), ['smtp.error-reply', 'smtp.bad-line']);
  assert.deepEqual(firings({ mark: '/^tcp\\./' }, events), ['tcp.overlap-conflict']);
  assert.deepEqual(firings({ mark: 'smtp.error' }, events), []);
  assert.deepEqual(firings({ mark: 'SMTP.*' }, events), []);
});

test('record and mark inside match: any, all, not', () => {
  const error: Event = ['mark', 'smtp.error-reply'];
  const ok: Event = ['record', 'smtp', reply('MAIL', 250)];
  const rejected: Event = ['record', 'smtp', reply('RCPT', 550)];
  const either = { match: { any: [{ mark: 'smtp.error-*' }, { record: { protocol: 'smtp', where: { code: { min: 500 } } } }] } };
  assert.equal(firings(either, [ok, error]).length > 0, true);
  assert.equal(firings(either, [ok, rejected]).length > 0, true);
  assert.equal(firings(either, [ok]).length > 0, false);
  const both = { match: { all: [{ serverPort: 25 }, { mark: 'smtp.error-reply' }, { not: { record: { protocol: 'smtp', where: { code: 550 } } } }] } };
  assert.equal(firings(both, [ok, error]).length > 0, true);
  assert.equal(firings(both, [ok, error, rejected]).length > 0, false);
  assert.equal(firings(both, [ok]).length > 0, false);
});

test('problems at their place: unknown fields at the key, types and patterns at the value, nested in match too', () => {
  assert.deepEqual(builder.check({ record: { protocol: 'smtp', where: { code: { min: 500 }, cdoe: 550, 'rcpt.adress': 'x', command: 250 } } }), [
    { path: ['record', 'where', 'cdoe'], message: 'smtp records have no field "cdoe" (fields: command, code, lines, rcpt)', key: true },
    { path: ['record', 'where', 'rcpt.adress'], message: 'smtp records have no field "rcpt.adress" (fields of "rcpt": address)', key: true },
    { path: ['record', 'where', 'command'], message: '"command" of smtp records is string or null: a number condition never matches it', key: false },
  ]);
  assert.deepEqual(builder.check({ match: { any: [{ port: 25 }, { record: { protocol: 'smtp', where: { lines: '/(a)\\1/' } } }] } }), [
    {
      path: ['match', 'any', 1, 'record', 'where', 'lines'],
      message: '/(a)\\1/: the backreference \\1 cannot be matched in linear time (regexes run on RE2)',
      key: false,
    },
  ]);
  assert.deepEqual(
    builder.check({ record: { protocol: 'smtp', where: { code: { mni: 500 }, lines: [1] } } }).map((p) => [p.path.join('.'), p.message]),
    [
      ['record.where.code', 'Unrecognized key: "mni"'],
      ['record.where.code', 'give min, max or in'],
      ['record.where.lines', 'expected a value, a glob or /regex/, or { min, max, in }'],
    ],
  );
  assert.deepEqual(builder.check({ record: { where: {} } }).map((p) => p.path.join('.')), ['record.protocol']);
  assert.deepEqual(builder.check({ mark: '/a(?=b)/' }), [{ path: ['mark'], message: '/a(?=b)/: the lookahead (?=...) cannot be matched in linear time (regexes run on RE2)' }]);
  assert.deepEqual(builder.check('mark').map((p) => p.path), [[]]);
  assert.throws(() => builder.build({ record: { protocol: 'smtp', where: { cdoe: 1 } } }), /^Error: record\.where\.cdoe: smtp records have no field "cdoe"/);
  assert.deepEqual(builder.check({ record: { protocol: 'broken' } }), [{ path: ['record'], message: 'dissector broken: its records schema: not a zod schema' }]);
});
