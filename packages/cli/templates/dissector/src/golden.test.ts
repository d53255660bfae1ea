// Golden test: the records, marks and display lines of test/fixtures/__NAME__.pcap must stay
// those of test/fixtures/__NAME__.expected.json. Put your own capture there; after a change you
// meant, rewrite the expected file with `UPDATE_GOLDEN=1 npm test` and review its diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dissectCapture } from '@pakeana/framework/testing';
import __IDENT__ from './index.js';

const fixtures = join(__dirname, '..', 'test', 'fixtures');

test('golden: test/fixtures/__NAME__.pcap', async () => {
  const { sessions, error } = await dissectCapture(join(fixtures, '__NAME__.pcap'), { dissectors: [__IDENT__] });
  assert.equal(error, null);
  const got = sessions.map((s) => ({
    client: `${s.client.ip}:${s.client.port}`,
    server: `${s.server.ip}:${s.server.port}`,
    marks: s.marks,
    records: s['__NAME__'] ?? [],
    display: s.display.map((d) => `${d.dir} ${d.label}: ${d.text}`),
  }));
  const expected = join(fixtures, '__NAME__.expected.json');
  if (process.env.UPDATE_GOLDEN) writeFileSync(expected, `${JSON.stringify(got, null, 2)}\n`);
  assert.deepEqual(got, JSON.parse(readFileSync(expected, 'utf8')));
});
