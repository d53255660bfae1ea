// Golden test: which sessions of test/fixtures/__NAME__.pcap the trigger reports must stay as
// in test/fixtures/__NAME__.expected.json. Put your own capture there; after a change you
// meant, rewrite the expected file with `UPDATE_GOLDEN=1 npm test` and review its diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dissectCapture } from '@pakeana/framework/testing';
import { __IDENT__ } from './index.js';

const fixtures = join(__dirname, '..', 'test', 'fixtures');

test('golden: test/fixtures/__NAME__.pcap', async () => {
  const { sessions, error } = await dissectCapture(join(fixtures, '__NAME__.pcap'), { triggerKinds: [__IDENT__], triggers: [{ '__NAME__': { over: '2KB' } }] });
  assert.equal(error, null);
  const got = sessions.map((s) => ({ client: `${s.client.ip}:${s.client.port}`, server: `${s.server.ip}:${s.server.port}`, bytes: s.bytes, triggers: s.triggers }));
  const expected = join(fixtures, '__NAME__.expected.json');
  if (process.env.UPDATE_GOLDEN) writeFileSync(expected, `${JSON.stringify(got, null, 2)}\n`);
  assert.deepEqual(got, JSON.parse(readFileSync(expected, 'utf8')));
});
