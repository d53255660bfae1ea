// Plugins from outside the workspaces: the example Redis dissector loaded by path, on a
// crafted capture (through the CLI, and through the test helpers plugin authors use); a
// missing plugin and a module that is not a plugin give one clear line and status 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Conversation, pcapFile, dissectFrames } = require('@pakeana/framework/testing');
const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pakeana-plugin-'));

/** A Redis conversation on an odd port, so that only the content probe can find it. */
function redisConversation(port) {
  const c = new Conversation('10.1.0.1:50000', `10.1.0.2:${port}`);
  c.handshake();
  c.send('client', '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n').send('server', '$5\r\nvalue\r\n');
  c.send('client', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n').send('server', '-ERR read only\r\n');
  return c.close();
}

test('the example Redis dissector, loaded by path, on port 6379 and on an odd port', () => {
  for (const port of [6379, 7777]) {
    const file = join(dir, `redis-${port}.pcap`);
    writeFileSync(file, pcapFile(redisConversation(port).frames));
    const run = runPakeana(['read', file, '--plugin', './examples/dissector-redis', '--all', '--format', 'json'], { cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const [session] = run.sessions;
    assert.equal(session.protocol, 'redis');
    assert.deepEqual(session.redis.map((r) => [r.command, r.args, r.reply, r.error]), [
      ['GET', 1, 'bulk', null],
      ['SET', 2, 'error', 'ERR read only'],
    ]);
    assert.deepEqual(session.marks, ['redis.error-reply']);
  }
});

test('plugin authors test with dissectFrames and crafted conversations', async () => {
  const { sessions } = await dissectFrames(redisConversation(6379).frames, { plugins: ['./examples/dissector-redis'], cwd: root });
  assert.equal(sessions[0].redis[0].command, 'GET');
  assert.ok(sessions[0].redis[0].replyTime > sessions[0].redis[0].requestTime);
});

test('a plugin that is missing, or does not export a dissector: one line, status 2', () => {
  const capture = join(root, 'test/fixtures/corpus/tcp-reset.pcap');
  const missing = runPakeana(['read', capture, '--plugin', 'no-such-plugin-anywhere'], { cwd: root });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr.trim(), /^pakeana: plugin 'no-such-plugin-anywhere' not found/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const notPlugin = join(dir, 'not-a-plugin.js');
  writeFileSync(notPlugin, 'module.exports = { hello: 1 };\n');
  const wrong = runPakeana(['read', capture, '--plugin', notPlugin], { cwd: root });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /exports no dissector or trigger/);
});

test('pakeana plugins lists the bundled dissectors and triggers, and plugins given by path', () => {
  const run = runPakeana(['plugins', '--plugin', './examples/dissector-redis', '--json'], { cwd: root });
  assert.equal(run.status, 0, run.stderr);
  const list = JSON.parse(run.stdout);
  assert.deepEqual(list.dissectors.map((d) => d.name), ['http', 'tls', 'redis']);
  assert.ok(list.triggers.some((t) => t.name === 'tcp.retransmit' && t.options.some((o) => o.name === 'after')));
});
