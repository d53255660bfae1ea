// Agreement with tshark: runs `pakeana read FILE --plugin http --all --format json` on every
// capture under test/fixtures/{corpus,zeek-tcp,zeek-http} that has a FILE.expect.json (tshark's
// view, made by test/tools/make-tshark-expect.mjs) and compares session set, payload bytes
// per side, reset and retransmission seen, and (where asked) HTTP requests and statuses.
// Differences we believe are tshark's, or accept for now, are listed with the reason in
// test/fixtures/known-differences.json; every other difference fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithTshark, runPakeana } from './helpers.mjs';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const known = JSON.parse(readFileSync(join(fixtures, 'known-differences.json'), 'utf8'));

for (const [folder, checkHttp] of [['corpus', true], ['zeek-tcp', false], ['zeek-http', true]]) {
  const dir = join(fixtures, folder);
  if (!existsSync(dir)) continue;
  const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f) && existsSync(join(dir, `${f}.expect.json`)));
  test(`${folder}: pakeana agrees with tshark`, async () => {
    let checks = 0;
    let explained = 0;
    const failures = [];
    for (const f of files) {
      const expected = JSON.parse(readFileSync(join(dir, `${f}.expect.json`), 'utf8'));
      const run = runPakeana(['read', join(dir, f), '--plugin', 'http', '--all', '--format', 'json']);
      const result = compareWithTshark(f, expected, run, { http: checkHttp });
      checks += result.checks;
      for (const failure of result.failures) {
        const accepted = known[`${folder}/${f}`];
        if (!accepted || !accepted.checks.some((c) => failure.startsWith(c))) failures.push(`${folder}/${f}: ${failure}`);
        else explained++;
      }
    }
    console.log(`${folder}: ${files.length} files, ${checks} checks, ${explained} differences explained in known-differences.json, ${failures.length} unexplained`);
    assert.deepEqual(failures, []);
  });
}
