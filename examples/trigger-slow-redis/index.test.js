// The example's tests, on crafted Redis conversations run through pakeana's pipeline with the
// Redis dissector and the trigger configured as in a config file. Run with `npm test`.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { Conversation, dissectFrames } = require('@pakeana/framework/testing');

/** A GET answered after `delay` seconds, then a PING answered at once. */
function conversation(port, delay) {
  const c = new Conversation(`10.1.0.1:${port}`, '10.1.0.2:6379').handshake();
  c.send('client', '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n').wait(delay).send('server', '$5\r\nvalue\r\n');
  c.send('client', '*1\r\n$4\r\nPING\r\n').send('server', '+PONG\r\n');
  return c.close();
}

const frames = [...conversation(50001, 0.01).frames, ...conversation(50002, 0.5).frames];
/** The Redis dissector and this package, loaded by path as `--plugin` loads them. */
const plugins = ['../dissector-redis', '.'];
const fired = async (triggers) => (await dissectFrames(frames, { plugins, cwd: __dirname, triggers })).sessions.map((s) => s.triggers);

test('redis.slow fires on the session whose reply came late', async () => {
  assert.deepEqual(await fired([{ 'redis.slow': { over: '200ms' } }]), [[], ['redis.slow']]);
  assert.deepEqual(await fired([{ 'redis.slow': { over: '1s' } }]), [[], []]);
});

test('commands: only those commands count', async () => {
  assert.deepEqual(await fired([{ 'redis.slow': { over: '200ms', commands: ['SET'] } }]), [[], []]);
  assert.deepEqual(await fired([{ 'redis.slow': { over: '200ms', commands: ['GET'] } }]), [[], ['redis.slow']]);
});

test('composed inside match, with the bundled trigger kinds', async () => {
  const nested = { match: { all: [{ clientPort: 50002 }, { 'redis.slow': { over: '200ms' } }] } };
  assert.deepEqual(await fired([nested]), [[], ['match']]);
});

test('bad options are one clear error', async () => {
  await assert.rejects(fired([{ 'redis.slow': { over: 'soon' } }]), /redis\.slow\.over: not a duration: "soon"/);
  await assert.rejects(fired([{ 'redis.slow': { over: '1s', command: ['GET'] } }]), /Unrecognized key: "command"/);
});

test('the package loads as pakeana loads it', () => {
  const plugin = require(join(__dirname, 'index.js'));
  assert.equal(plugin.apiVersion, 1);
  assert.deepEqual(plugin.triggers.map((kind) => kind.name), ['redis.slow']);
});
