// `pakeana plugins records`: the JSON Schema of the session record with every dissector's
// records; docs/records.md is its --markdown output (so the doc cannot drift from the code),
// and every session of the corpus captures fits the schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPakeana } from './helpers.mjs';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const frameworkPath = require.resolve('@pakeana/framework');
const { dissectCapture } = require('@pakeana/framework/testing');
const { sessionRecordSchema, zod } = require('@pakeana/framework/internal');
const { httpRecordSchema } = require('../packages/dissector-http/dist/index.js');
const dir = mkdtempSync(join(tmpdir(), 'pakeana-plugin-records-'));

/** A plugin with two dissectors: one declares its records, one does not. */
const plugin = join(dir, 'plugin.js');
writeFileSync(
  plugin,
  `const { lazySchema } = require(${JSON.stringify(frameworkPath)});
const create = () => ({ data() {}, gap() {}, end() {} });
module.exports = { apiVersion: 1, dissectors: [
  { name: 'smtp', description: 'SMTP replies', records: lazySchema((z) => z.object({ code: z.number().int().describe('reply code') }).strict()), create },
  { name: 'quiet', create },
] };
`,
);

test('plugins records: the session record, HTTP records under http, and a plugin\'s records with --plugin', () => {
  const run = runPakeana(['plugins', 'records', '--plugin', plugin], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  const schema = JSON.parse(run.stdout);
  assert.equal(schema.title, 'pakeana session record');
  assert.equal(schema.properties.type.const, 'session');
  assert.deepEqual(schema.properties.bytes.required, ['client', 'server']);
  const http = schema.properties.http.items;
  assert.deepEqual(http.properties.status.anyOf.map((a) => a.type), ['integer', 'null']);
  assert.equal(http.additionalProperties, false);
  assert.equal(schema.properties.smtp.items.properties.code.description, 'reply code');
  assert.deepEqual(schema.properties.quiet.items.additionalProperties, {});
  const markdown = runPakeana(['plugins', 'records', '--plugin', plugin, '--markdown'], { cwd: dir });
  assert.match(markdown.stdout, /^## smtp\n\n\| field \| type \| meaning \|\n\|---\|---\|---\|\n\| `code` \| integer \| reply code \|$/m);
  assert.match(markdown.stdout, /^## quiet\n\n\(quiet declares no record schema\)$/m);
  assert.match(markdown.stdout, /^\| `smtp` \| list of smtp records, optional \| SMTP replies/m);
});

test("plugins records: a dissector whose records schema cannot be built is named, in one line", () => {
  const broken = join(dir, 'broken.js');
  writeFileSync(broken, "module.exports = { apiVersion: 1, dissectors: [{ name: 'broken', records: () => { throw new Error('boom'); }, create() {} }] };\n");
  const run = runPakeana(['plugins', 'records', '--plugin', broken], { cwd: dir });
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim(), 'pakeana: dissector broken: its records schema: boom');
  const notZod = join(dir, 'not-zod.js');
  writeFileSync(notZod, "module.exports = { apiVersion: 1, dissectors: [{ name: 'plain', records: { type: 'object' }, create() {} }] };\n");
  assert.equal(runPakeana(['plugins', 'records', '--plugin', notZod, '--markdown'], { cwd: dir }).stderr.trim(), 'pakeana: dissector plain: its records schema: not a zod schema');
});

/** The Markdown sections of `plugins records --markdown` (or of the doc's generated blocks), by name. */
function sections(text, pattern) {
  return Object.fromEntries([...text.matchAll(pattern)].map((m) => [m[1], m[2].trim()]));
}

test('docs/records.md holds the tables `pakeana plugins records --markdown` prints', () => {
  const run = runPakeana(['plugins', 'records', '--markdown'], { cwd: root });
  assert.equal(run.status, 0, run.stderr);
  const printed = sections(run.stdout, /^## (\S+)\n\n([^]*?)(?=^## |$(?![^]))/gm);
  const doc = sections(readFileSync(join(root, 'docs/records.md'), 'utf8'), /^<!-- generated: (\S+) -->\n([^]*?)^<!-- end generated -->/gm);
  assert.deepEqual(Object.keys(doc), ['session', 'http', 'tls']);
  for (const name of Object.keys(doc)) assert.equal(doc[name], printed[name], `docs/records.md, table ${name}: regenerate it with pakeana plugins records --markdown`);
});

test('docs/records.md lists every mark the HTTP and TLS dissectors and the framework make', () => {
  const doc = readFileSync(join(root, 'docs/records.md'), 'utf8');
  const sources = [
    ...readdirSync(join(root, 'packages/dissector-http/src')).map((f) => join('packages/dissector-http/src', f)),
    ...readdirSync(join(root, 'packages/dissector-tls/src')).map((f) => join('packages/dissector-tls/src', f)),
    'packages/framework/src/sessions/session-tracker.ts',
  ].filter((f) => f.endsWith('.ts') && !f.includes('.test.'));
  const marks = new Set();
  for (const file of sources) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const [, mark] of text.matchAll(/'((?:http|tls|tcp|ip)\.[a-z0-9-]+)'/g)) marks.add(mark);
    for (const [, prefix] of text.matchAll(/`(http\.[a-z-]+)\$\{side\.dir\}`/g)) ['client', 'server'].forEach((dir) => marks.add(prefix + dir));
  }
  assert.ok(marks.size >= 11, [...marks].join(' '));
  for (const mark of marks) assert.ok(doc.includes(`\`${mark}\``), `docs/records.md does not list ${mark}`);
});

test('every session of the corpus captures, with its HTTP records, fits the schemas (strictly)', async () => {
  const z = zod();
  const strict = sessionRecordSchema().extend({ http: z.array(httpRecordSchema()).optional() });
  let sessions = 0;
  let exchanges = 0;
  for (const folder of ['corpus', 'zeek-http']) {
    const path = join(root, 'test/fixtures', folder);
    for (const file of readdirSync(path).filter((f) => /\.pcap(ng)?$/.test(f))) {
      const result = await dissectCapture(join(path, file), { plugins: ['http'], cwd: root });
      for (const session of result.sessions) {
        // `display` is the test kit's (the pretty output's lines), not part of the record.
        const parsed = strict.safeParse(Object.fromEntries(Object.entries(session).filter(([key]) => key !== 'display')));
        assert.ok(parsed.success, `${folder}/${file}, session ${session.id}: ${parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        sessions++;
        exchanges += session.http?.length ?? 0;
      }
    }
  }
  assert.ok(sessions > 200 && exchanges > 1000, `${sessions} sessions, ${exchanges} exchanges`);
});
