import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeContext } from './fake-context.js';

test('fakeContext: swapRoles swaps client and server before a confirm, and is refused after', () => {
  const context = fakeContext({ client: '10.0.0.1:5000', server: '10.0.0.2:6000' });
  assert.equal(context.swapRoles(), true);
  assert.deepEqual([context.client.port, context.server.port], [6000, 5000]);
  context.confirm();
  assert.equal(context.swapRoles(), false);
  assert.deepEqual(context.calls, ['swapRoles', 'confirm', 'swapRoles']);
});
