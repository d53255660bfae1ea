import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagAt, mergeOptions, parseOptionFlags } from './dissector-options.js';

test('--option NAME.key=value: values read as YAML, dotted keys nest, a later flag wins', () => {
  const { options, flags } = parseOptionFlags(['redis.skip=[PING, ECHO]', 'redis.max=10', 'redis.on=true', 'http.limits.body=1MiB', 'http.note=a=b', 'redis.max=20', 'x.text={broken']);
  assert.deepEqual(options, {
    redis: { skip: ['PING', 'ECHO'], max: 20, on: true },
    http: { limits: { body: '1MiB' }, note: 'a=b' },
    x: { text: '{broken' },
  });
  assert.equal(flags.get('redis.max'), 'redis.max=20');
  assert.equal(flagAt(flags, ['http', 'limits', 'body']), 'http.limits.body=1MiB');
  assert.equal(flagAt(flags, ['redis', 'skip', 1]), 'redis.skip=[PING, ECHO]', 'a problem inside the value');
  assert.equal(flagAt(flags, ['http']), 'http.limits.body=1MiB', 'a problem about the whole dissector');
  assert.equal(flagAt(flags, ['smtp', 'x']), undefined);
});

test('a flag without a dissector and a key is refused in one line naming it', () => {
  for (const bad of ['redis=1', 'redis.skip', '.x=1', 'redis..x=1']) {
    assert.throws(() => parseOptionFlags([bad]), new RegExp(`^Error: --option ${bad.replace(/\./g, '\\.')}: expected NAME\\.key=value`));
  }
});

test('flags win over the config, key by key, at any depth', () => {
  const config = { redis: { skip: ['PING'], max: 5, nested: { a: 1, b: 2 } }, http: { x: 1 } };
  assert.deepEqual(mergeOptions(config, { redis: { max: 6, nested: { b: 3 } }, smtp: { y: 1 } }), {
    redis: { skip: ['PING'], max: 6, nested: { a: 1, b: 3 } },
    http: { x: 1 },
    smtp: { y: 1 },
  });
  assert.deepEqual(config.redis.nested, { a: 1, b: 2 }, 'the config is left as it was');
});
