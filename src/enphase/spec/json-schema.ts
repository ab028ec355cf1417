// OpenAPI 3.0 schemas → JSON Schema for ajv, under the two tolerance modes (the decisions are in
// the header of src/enphase/response-validator.ts).
import { isObject, loadSpec, type Json, type JsonObject, type Spec } from './load.js';

export type UnknownPropertiesMode = 'allow' | 'reject';

export interface Modes {
  unknownProperties: UnknownPropertiesMode;
  nullsInItems: UnknownPropertiesMode;
}

export function modesKey(m: Modes): string {
  return `${m.unknownProperties}/${m.nullsInItems}`;
}

/** The id under which the spec's component schemas are registered with ajv. */
export const COMPONENTS_ID = 'enphase-components';

const OPENAPI_ONLY_KEYS = new Set(['example', 'examples', 'xml', 'externalDocs', 'nullable']);

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * OpenAPI 3.0 schema → JSON Schema (draft-07) that ajv understands; returns a new tree.
 * `inItems`: the schema sits (at any depth) inside an array's `items`.
 */
export function toJsonSchema(schema: Json, modes: Modes, inItems = false): Json {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, modes, inItems));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (OPENAPI_ONLY_KEYS.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/components/schemas/', `${COMPONENTS_ID}#/definitions/`);
    } else if (key === 'properties' && isObject(value)) {
      // property names are data, not keywords: convert each property schema, keep every name
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, toJsonSchema(s, modes, inItems)]),
      );
    } else if (key === 'enum' || key === 'required' || key === 'default' || key === 'const') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value, modes, inItems || key === 'items');
    }
  }
  // Many of the spec's object schemas list `properties` without `type: object`; in JSON Schema
  // that would let a string or null stand where an interval object should be.
  if (isObject(out.properties) && out.type === undefined && !('$ref' in out)) out.type = 'object';
  if (modes.unknownProperties === 'reject' && isObject(out.properties) && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  const tolerated = inItems && modes.nullsInItems === 'allow' && isScalarSchema(schema);
  if (schema.nullable === true || tolerated) return makeNullable(out);
  return out;
}

/** A string/number/boolean schema, also one that only wraps a scalar component (`allOf: [$ref]`). */
function isScalarSchema(schema: JsonObject): boolean {
  if (typeof schema.type === 'string') return SCALAR_TYPES.has(schema.type);
  const parts = Array.isArray(schema.allOf) ? schema.allOf : [schema];
  return parts.some((part) => {
    const ref = isObject(part) ? part.$ref : undefined;
    if (typeof ref !== 'string') return false;
    const target = loadSpec().components?.schemas?.[ref.replace('#/components/schemas/', '')];
    return typeof target?.type === 'string' && SCALAR_TYPES.has(target.type);
  });
}

/** Component schemas the spec uses as array items (`items: {$ref}`), at any depth. */
export function componentsUsedAsItems(spec: Spec): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    const items = node.items;
    if (isObject(items) && typeof items.$ref === 'string')
      names.add(items.$ref.replace('#/components/schemas/', ''));
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return names;
}

function makeNullable(s: JsonObject): JsonObject {
  const simple = typeof s.type === 'string' && !('enum' in s) && !('$ref' in s) && !('allOf' in s);
  if (simple) return { ...s, type: [s.type as string, 'null'] };
  return { anyOf: [s, { type: 'null' }] };
}
