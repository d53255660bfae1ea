// Unit tests on crafted traffic: Conversation keeps the TCP sequence numbers, dissectFrames runs
// the frames through pakeana's pipeline with the trigger configured as in a config file
// (options checked by its schema). Every session comes back; `triggers` lists those that fired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, dissectFrames } from '@pakeana/framework/testing';
import { __IDENT__ } from './index.js';

/** A session whose server sends `serverBytes` and whose client sends 100 bytes. */
function session(port: number, serverBytes: number): Conversation {
  const c = new Conversation(`10.0.0.1:${port}`, '10.0.0.2:9000').handshake();
  return c.send('client', 'c'.repeat(100)).send('server', 's'.repeat(serverBytes)).close();
}

const frames = [...session(40001, 3000).frames, ...session(40002, 500).frames];
const fired = async (options: object) => {
  const { sessions } = await dissectFrames(frames, { triggerKinds: [__IDENT__], triggers: [{ '__NAME__': options }] });
  return sessions.map((s) => s.triggers);
};

test('fires on the sessions over the size, by either side by default', async () => {
  assert.deepEqual(await fired({ over: '2KB' }), [['__NAME__'], []]);
  assert.deepEqual(await fired({ over: 400 }), [['__NAME__'], ['__NAME__']]);
});

test('side: only that side counts', async () => {
  assert.deepEqual(await fired({ over: '2KB', side: 'client' }), [[], []]);
  assert.deepEqual(await fired({ over: 50, side: 'client' }), [['__NAME__'], ['__NAME__']]);
});

test('bad options are one clear error', async () => {
  await assert.rejects(fired({ over: 'huge' }), /over: not a size: "huge"/);
  await assert.rejects(fired({ over: 1, sides: 'client' }), /Unrecognized key: "sides"/);
});
