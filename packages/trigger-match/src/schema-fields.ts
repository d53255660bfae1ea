import type { JsonSchema } from '@pakeana/framework';

/** JSON types as JSON Schema names them (`integer` is a number too). */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/**
 * What a record's JSON Schema says of a dotted field path (`request.host`): the field cannot
 * exist (`missing`: the first path segment no alternative has, and the fields there), or the
 * JSON types its values can have (null: any). Lists are looked through: a path goes on into
 * the items of an array, and the types at the end are those of the items, as `where` tests
 * each element.
 */
export type FieldLookup = { missing: number; fields: string[] } | { types: Set<JsonType> | null };

type Schema = Readonly<Record<string, unknown>>;

export function lookupField(root: JsonSchema, path: readonly string[]): FieldLookup {
  let current = alternatives(root, root);
  for (let at = 0; at < path.length; at++) {
    const next: Schema[] = [];
    const fields = new Set<string>();
    for (const schema of current) {
      const properties = schema.properties as Record<string, unknown> | undefined;
      if (properties && Object.hasOwn(properties, path[at]!)) next.push(...alternatives(properties[path[at]!], root));
      else if (isOpenObject(schema)) next.push(...alternatives(schema.additionalProperties ?? true, root));
      for (const name of Object.keys(properties ?? {})) fields.add(name);
    }
    if (next.length === 0) return { missing: at, fields: [...fields] };
    current = next;
  }
  const types = new Set<JsonType>();
  for (const schema of current) {
    const own = typesOf(schema);
    if (!own) return { types: null };
    for (const type of own) types.add(type);
  }
  return { types };
}

/**
 * The schemas a value may follow: `$ref`s resolved, `anyOf`/`oneOf`/`allOf` and arrays
 * (their `items`) flattened. `true` (anything) is `{}`; `false` is none.
 */
function alternatives(node: unknown, root: JsonSchema, seen = new Set<unknown>()): Schema[] {
  if (node === true) return [{}];
  if (!node || typeof node !== 'object' || seen.has(node)) return [];
  seen.add(node);
  const schema = node as Schema;
  if (typeof schema.$ref === 'string') return alternatives(resolveRef(schema.$ref, root), root, seen);
  const parts = [schema.anyOf, schema.oneOf, schema.allOf].filter(Array.isArray).flat();
  if (parts.length) return parts.flatMap((part) => alternatives(part, root, seen));
  if (typeOf(schema).includes('array')) return alternatives(schema.items ?? true, root, seen);
  return [schema];
}

/** `#` or `#/$defs/Name` (what zod writes); anything else is anything. */
function resolveRef(ref: string, root: JsonSchema): unknown {
  if (ref === '#') return root;
  let node: unknown = root;
  for (const key of ref.replace(/^#\//, '').split('/')) node = node && typeof node === 'object' ? (node as Schema)[key] : undefined;
  return node ?? true;
}

/** An object schema that admits fields besides its `properties`. */
function isOpenObject(schema: Schema): boolean {
  const types = typeOf(schema);
  if (types.length && !types.includes('object')) return false;
  return schema.additionalProperties !== false || schema.patternProperties !== undefined;
}

function typeOf(schema: Schema): JsonType[] {
  const type = schema.type;
  return Array.isArray(type) ? (type as JsonType[]) : typeof type === 'string' ? [type as JsonType] : [];
}

/** The JSON types of a schema's values, or null when it does not say (anything). */
function typesOf(schema: Schema): JsonType[] | null {
  const declared = typeOf(schema);
  if (declared.length) return declared;
  const values = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : null;
  return values ? values.map(jsonType) : null;
}

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}
