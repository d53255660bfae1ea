import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonSchema } from '@pakeana/framework';
import { zod } from '@pakeana/framework/internal';
import type { ZodType } from 'zod';
import { compileWhere, matchedValues, matches, type Condition } from './where.js';
import { lookupField } from './schema-fields.js';

/** Whether `where` holds on each record (compiled without a schema). */
function holds(where: Record<string, Condition>, ...records: object[]): boolean[] {
  const { tests, problems } = compileWhere(where, undefined, 'test');
  assert.deepEqual(problems, []);
  return records.map((record) => matches(record, tests));
}

test('where: a number, boolean or null is compared for equality; null also matches a missing field', () => {
  assert.deepEqual(holds({ code: 550 }, { code: 550 }, { code: 551 }, { code: '550' }, {}), [true, false, false, false]);
  assert.deepEqual(holds({ tunnel: true }, { tunnel: true }, { tunnel: 'true' }, {}), [true, false, false]);
  assert.deepEqual(holds({ status: null }, { status: null }, {}, { status: 0 }), [true, true, false]);
});

test('where: a string is a glob on the whole value (case-sensitive) or a /regex/ (RE2, not anchored)', () => {
  assert.deepEqual(holds({ method: 'POST' }, { method: 'POST' }, { method: 'post' }, { method: 'POSTS' }, { method: 7 }), [true, false, false, false]);
  assert.deepEqual(holds({ uri: '/api/*' }, { uri: '/api/v1?x=1' }, { uri: '/v1/api/' }, { uri: null }), [true, false, false]);
  assert.deepEqual(holds({ reply: '5?? *' }, { reply: '550 no such user' }, { reply: '55 x' }), [true, false]);
  assert.deepEqual(holds({ method: '/^(get|head)$/i' }, { method: 'HEAD' }, { method: 'POST' }), [true, false]);
  assert.deepEqual(holds({ text: '/error/' }, { text: 'an error here' }, { text: 'fine' }), [true, false]);
  assert.throws(() => compileWhereOrThrow({ text: '/(a)\\1/' }), /the backreference \\1 cannot be matched in linear time/);
});

test('where: { min, max } on numbers, { in } for exact values (strings too: no patterns there), both together', () => {
  assert.deepEqual(holds({ code: { min: 500 } }, { code: 500 }, { code: 499 }, { code: '503' }), [true, false, false]);
  assert.deepEqual(holds({ code: { min: 400, max: 499 } }, { code: 404 }, { code: 500 }, { code: 399 }), [true, false, false]);
  assert.deepEqual(holds({ code: { in: [421, 450] } }, { code: 450 }, { code: 451 }), [true, false]);
  assert.deepEqual(holds({ uri: { in: ['/a/*', '/b'] } }, { uri: '/a/*' }, { uri: '/a/x' }, { uri: '/b' }), [true, false, true]);
  assert.deepEqual(holds({ host: { in: [null, 'x'] } }, {}, { host: null }, { host: 'x' }, { host: 'y' }), [true, true, true, false]);
  assert.deepEqual(holds({ code: { min: 500, in: [421, 550] } }, { code: 550 }, { code: 421 }, { code: 551 }), [true, false, false]);
});

test('where: dotted keys walk into nested fields; only own fields count', () => {
  const record = { request: { headers: { host: 'example.com' }, size: 10 } };
  assert.deepEqual(holds({ 'request.headers.host': '*.com' }, record, { request: null }, { request: { headers: 'host' } }), [true, false, false]);
  assert.deepEqual(holds({ 'request.size': { max: 10 } }, record), [true]);
  assert.deepEqual(holds({ 'request.constructor': null }, record), [true]);
  assert.deepEqual(holds({ 'request.constructor.name': 'Object' }, record), [false]);
});

test('where: a list is looked through, at any level: some element must match', () => {
  assert.deepEqual(holds({ interim: 100 }, { interim: [100, 103] }, { interim: [103] }, { interim: [] }), [true, false, false]);
  const answers = { answers: [{ type: 'A', ttl: 60 }, { type: 'MX', ttl: 3600, names: ['mx1', 'mx2'] }] };
  assert.deepEqual(holds({ 'answers.type': 'MX' }, answers, { answers: [{ type: 'A' }] }), [true, false]);
  assert.deepEqual(holds({ 'answers.names': 'mx2' }, answers), [true]);
  // Each condition may be met by a different element.
  assert.deepEqual(holds({ 'answers.type': 'A', 'answers.ttl': { min: 3600 } }, answers), [true]);
  assert.deepEqual(holds({ 'answers.ttl': { min: 1, max: 59 } }, answers), [false]);
});

test('where: every condition must hold on the record; the detail gives the values that matched', () => {
  const where = { method: 'POST', uri: '/api/*', interim: 100 };
  assert.deepEqual(holds(where, { method: 'POST', uri: '/api/x', interim: [100] }, { method: 'GET', uri: '/api/x', interim: [100] }), [true, false]);
  const { tests } = compileWhere({ ...where, status: null }, undefined, 'http');
  assert.equal(matchedValues({ method: 'POST', uri: '/api/x', interim: [103, 100] }, tests), 'method="POST" uri="/api/x" interim=100 status=absent');
});

function compileWhereOrThrow(where: Record<string, Condition>): void {
  const { problems } = compileWhere(where, undefined, 'test');
  if (problems.length) throw new Error(problems[0]!.message);
}

const z = zod();
type Node = { name: string; children: Node[] };
const treeNode: ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(treeNode) }));
const schema = z.toJSONSchema(
  z.object({
    code: z.number().int(),
    text: z.string().nullable(),
    kind: z.enum(['a', 'b']),
    codes: z.array(z.number()).optional(),
    request: z.object({ headers: z.record(z.string(), z.string()), size: z.number() }),
    answers: z.array(z.object({ type: z.string(), ttl: z.number() })),
    extra: z.looseObject({ known: z.boolean() }),
    choice: z.union([z.object({ left: z.string() }), z.object({ right: z.number() })]),
    tree: treeNode,
  }),
  { io: 'output' },
) as JsonSchema;

test('lookupField: a record JSON Schema says which fields exist and their types, through lists, unions and $refs', () => {
  const types = (path: string) => {
    const found = lookupField(schema, path.split('.'));
    return 'types' in found ? (found.types ? [...found.types].sort() : 'any') : `missing at ${found.missing}: ${found.fields.join(',')}`;
  };
  assert.deepEqual(types('code'), ['integer']);
  assert.deepEqual(types('text'), ['null', 'string']);
  assert.deepEqual(types('kind'), ['string']);
  assert.deepEqual(types('codes'), ['number']);
  assert.deepEqual(types('request.headers.host'), ['string']);
  assert.deepEqual(types('request.size'), ['number']);
  assert.deepEqual(types('answers.ttl'), ['number']);
  assert.deepEqual(types('extra.known'), ['boolean']);
  assert.equal(types('extra.anything'), 'any');
  assert.deepEqual(types('choice.left'), ['string']);
  assert.deepEqual(types('choice.right'), ['number']);
  assert.deepEqual(types('tree.children.children.name'), ['string']);
  assert.equal(types('cod'), 'missing at 0: code,text,kind,codes,request,answers,extra,choice,tree');
  assert.equal(types('request.headers.host.x'), 'missing at 3: ');
  assert.equal(types('answers.name'), 'missing at 1: type,ttl');
  assert.equal(types('choice.middle'), 'missing at 1: left,right');
});

test('with a schema, a field the record never has, or a condition its type never matches, is a problem', () => {
  const { tests, problems } = compileWhere(
    { code: { min: 500 }, cod: 5, 'request.sise': 1, 'answers.type': 'MX', text: 7, 'codes': { in: ['x', 1] }, kind: 'a*', 'extra.other': 1 },
    schema,
    'smtp',
  );
  assert.deepEqual(problems, [
    { key: 'cod', message: 'smtp records have no field "cod" (fields: code, text, kind, codes, request, answers, extra, choice, tree)', atKey: true },
    { key: 'request.sise', message: 'smtp records have no field "request.sise" (fields of "request": headers, size)', atKey: true },
    { key: 'text', message: '"text" of smtp records is string or null: a number condition never matches it', atKey: false },
  ]);
  assert.deepEqual(tests.map((t) => t.key), ['code', 'answers.type', 'codes', 'kind', 'extra.other']);
  const pattern = compileWhere({ code: '5*' }, schema, 'smtp').problems;
  assert.deepEqual(pattern, [{ key: 'code', message: '"code" of smtp records is integer: a string pattern never matches it', atKey: false }]);
});
