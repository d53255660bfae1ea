import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { Conversation } from '../testing/packet-builder.js';
import { dissectFrames } from '../testing/dissect-capture.js';
import { lazySchema, zod } from '../config/zod.js';
import type { Dissector } from '../dissect/api.js';
import { recordJsonSchema, sessionJsonSchema, sessionRecordSchema } from './record-schema.js';
import type { SessionRecord } from './session-record.js';

// Compile-time: the schema names the fields of SessionRecord (without the protocols' records
// and the live-only `reportedWhileOpen`), and what it describes fits SessionRecord.
type Described = Omit<z.output<ReturnType<typeof sessionRecordSchema>>, 'reportedWhileOpen'>;
type Fixed = { [K in keyof SessionRecord as string extends K ? never : K]: SessionRecord[K] };
const sameFields: [never, never] = [] as unknown as [Exclude<keyof Described, keyof Fixed>, Exclude<keyof Fixed, keyof Described>];
const fits = (record: Described): Fixed => record;

/** A dissector that emits one `{ bytes }` record per data call and declares it. */
const echo: Dissector = {
  name: 'echo',
  records: lazySchema((z) => z.object({ bytes: z.number().int() }).strict()),
  create: (context) => ({ data: (_dir, bytes) => context.emit({ bytes: bytes.length }), gap() {}, end() {} }),
};

test('session records of a run parse strictly with the session schema and the dissector records', async () => {
  void sameFields;
  void fits;
  const c = new Conversation('10.0.0.1:40000', '10.0.0.2:7', { start: 1_700_000_000.25 });
  c.handshake().send('client', 'ping').send('server', 'pong!').close();
  const r = new Conversation('10.0.0.1:40001', '10.0.0.2:7').handshake().reset('server');
  const run = await dissectFrames([...c.frames, ...r.frames], { dissectors: [{ ...echo, ports: [7] }] });
  // `display` is the test kit's addition (the pretty output's lines), not part of the record.
  const sessions = run.sessions.map((s) => Object.fromEntries(Object.entries(s).filter(([key]) => key !== 'display')) as SessionRecord);
  const strict = sessionRecordSchema().extend({ echo: zod().array(zod().object({ bytes: zod().number() }).strict()).optional() });
  assert.equal(sessions.length, 2);
  for (const session of sessions) assert.deepEqual(strict.parse(session), session);
  assert.deepEqual(sessions[0]!.echo, [{ bytes: 4 }, { bytes: 5 }]);
  // A field the schema does not know is refused: the schema must grow with the record.
  assert.throws(() => strict.parse({ ...sessions[0], newField: 1 }), /Unrecognized key: .*newField/);
});

test('the JSON Schema of a session: fixed fields, each dissector\'s records under its name', () => {
  const quiet: Dissector = { name: 'quiet', description: 'declares nothing', create: () => ({ data() {}, gap() {}, end() {} }) };
  const schema = sessionJsonSchema([echo, quiet]) as Record<string, any>;
  assert.equal(schema.title, 'pakeana session record');
  assert.equal(schema.properties.type.const, 'session');
  assert.deepEqual(schema.properties.echo.items.properties.bytes.type, 'integer');
  assert.equal(schema.properties.echo.items.additionalProperties, false);
  assert.equal(schema.properties.quiet.type, 'array');
  assert.deepEqual(schema.properties.quiet.items.additionalProperties, {});
  assert.ok(!schema.required.includes('echo'));
  assert.deepEqual(recordJsonSchema(echo)?.required, ['bytes']);
  assert.equal(recordJsonSchema(quiet), undefined);
});
