// Validates Enphase API responses against the OpenAPI file (openapi/enphase-v4-openapi.yaml).
//
// Used twice: by the simulator's contract test (is the stand-in faithful?) and at runtime by the
// API client (is this body safe to normalize?). The spec is read once, and one ajv validator is
// compiled lazily per (method, path template, status, mode) and cached.
//
// Decisions:
// - Unknown extra properties: DESIGN §3 tolerates them, so the default mode ('allow') accepts
//   them (plain JSON-Schema semantics). The contract test uses `unknownProperties: 'reject'`,
//   which adds `additionalProperties: false` to every object schema that lists `properties` and
//   says nothing about extra ones, so the simulator cannot drift into fields the spec does not
//   know. That is safe here because the spec composes objects only with `$ref`s to enums (its
//   `allOf`s wrap string enums), never with `allOf` of object schemas.
// - Nulls inside array items: DESIGN §3 tolerates "a null or missing value inside an interval"
//   (the field is omitted from the point). So by default (`nullsInItems: 'allow'`) every scalar
//   inside an array item (an interval, a device, a daily value) also accepts null; objects and
//   arrays keep their types, so a string where the array of intervals should be still fails,
//   and so does a null outside any array. The contract test passes 'reject': the simulator must
//   follow the spec literally unless its drift fault is on.
// - OpenAPI 3.0 `nullable: true` becomes `type: [T, 'null']` (or, when the schema has an enum,
//   `$ref` or `allOf` that would still reject null, `anyOf: [schema, {type: 'null'}]`).
// - A schema with `properties` and no `type` is taken as `type: object` (the spec's intent).
// - OpenAPI-only annotations (`example`, `xml`, `externalDocs`, `x-*`) are removed before ajv
//   sees them; ajv's `strict` stays off so that a future annotation in the spec never turns
//   into a runtime compile error. Every schema of the spec is compiled in the unit test.
// - Formats: ajv-formats for `date`, `date-time`, ...; the OpenAPI numeric formats (`int32`,
//   `int64`, `float`, `double`) are size hints for code generators, not promises about values,
//   so they are accepted as annotations (`type: integer` still applies).
// - ajv never mutates the body here: no defaults, no coercion, no property removal.
// - SPEC_CORRECTIONS patches the few places where the spec contradicts its own examples and the
//   real API; each says why. The unit test proves each one is still needed.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export type UnknownPropertiesMode = 'allow' | 'reject';

export interface ValidateOptions {
  /** 'allow' (default, runtime): extra fields pass. 'reject' (contract test): they are errors. */
  unknownProperties?: UnknownPropertiesMode;
  /** 'allow' (default, runtime): scalars inside array items may be null. 'reject': as the spec says. */
  nullsInItems?: UnknownPropertiesMode;
}

export interface Modes {
  unknownProperties: UnknownPropertiesMode;
  nullsInItems: UnknownPropertiesMode;
}

function modesOf(options: ValidateOptions): Modes {
  return {
    unknownProperties: options.unknownProperties ?? 'allow',
    nullsInItems: options.nullsInItems ?? 'allow',
  };
}

function modesKey(m: Modes): string {
  return `${m.unknownProperties}/${m.nullsInItems}`;
}

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

export interface RouteMatch {
  template: string;
  operationId: string;
  params: Record<string, string>;
}

export interface SpecOperation {
  method: string; // upper case
  template: string;
  operationId: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface MediaType {
  schema?: JsonObject;
  example?: Json;
  examples?: Record<string, { value?: Json }>;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
interface Spec {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonObject> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const COMPONENTS_ID = 'enphase-components';
const MAX_ERRORS = 20;

/** Where the spec contradicts its own examples (and the real API). Applied when loading. */
export const SPEC_CORRECTIONS: ReadonlyArray<{
  component: string;
  property: string;
  schema: JsonObject;
  why: string;
}> = [
  {
    component: 'EVEnergyResponse',
    property: 'consumption',
    schema: { type: 'array', items: { type: 'number' } },
    why:
      'declared `type: object` but its example (and the endpoint description: "one data point ' +
      'per day between start_date and end_date") is an array of daily Wh values',
  },
];

// Resolved from this module's own location: src/enphase/ under jest, dist/enphase/ after the
// build; both sit two levels below the package root, where openapi/ lives (package.json "files").
const SPEC_URL = new URL('../../openapi/enphase-v4-openapi.yaml', import.meta.url);

let specCache: Spec | undefined;
const ajvCache = new Map<string, Ajv>();
const validatorCache = new Map<string, ValidateFunction | null>();
let routeTable: CompiledRoute[] | undefined;

/** The parsed OpenAPI document (read once; callers must not mutate it). */
export function loadSpec(): Spec {
  if (!specCache) {
    specCache = parse(readFileSync(SPEC_URL, 'utf8')) as Spec;
    applyCorrections(specCache);
  }
  return specCache;
}

/**
 * Operations whose description (or a parameter's) says "If start_date parameter is passed in the url, then
 * start_date field will appear in response" (and likewise end_date) while their 200 schema does
 * not list those fields: the fields are added (strings, YYYY-MM-DD) so that strict validation
 * does not flag what the spec itself promises.
 */
const PROMISED_DATE_FIELDS = /start_date field will appear in response/i;

/** Templates of the operations PROMISED_DATE_FIELDS patched (for the unit test). */
export const promisedDateFieldOperations: string[] = [];

function applyCorrections(spec: Spec): void {
  for (const c of SPEC_CORRECTIONS) {
    const props = spec.components?.schemas?.[c.component]?.properties;
    if (props && typeof props === 'object' && !Array.isArray(props) && c.property in props) {
      props[c.property] = c.schema;
    }
  }
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const op of Object.values(item) as (OperationObject & {
      description?: string;
      parameters?: { description?: string }[];
    })[]) {
      const texts = [op.description, ...(op.parameters ?? []).map((p) => p.description)];
      if (!texts.some((t) => PROMISED_DATE_FIELDS.test(t ?? ''))) continue;
      const media = Object.values(op.responses?.['200']?.content ?? {})[0];
      const props = media?.schema?.properties;
      if (!isObject(props) || 'start_date' in props) continue;
      props.start_date = { type: 'string' };
      props.end_date = { type: 'string' };
      promisedDateFieldOperations.push(template);
    }
  }
}

/** Every operation of the spec, in file order. */
export function listOperations(): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [template, item] of Object.entries(loadSpec().paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), template, operationId: op.operationId ?? '' });
    }
  }
  return out;
}

// ---------------------------------------------------------------- routing

interface CompiledRoute extends SpecOperation {
  regex: RegExp;
  paramNames: string[];
  literalSegments: number;
}

function compileRoutes(): CompiledRoute[] {
  return listOperations().map((op) => {
    const paramNames: string[] = [];
    let literalSegments = 0;
    const pattern = op.template
      .split('/')
      .map((seg) => {
        const m = /^\{(.+)\}$/.exec(seg);
        if (m) {
          paramNames.push(m[1]!);
          return '([^/]+)';
        }
        if (seg !== '') literalSegments += 1;
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { ...op, regex: new RegExp(`^${pattern}/?$`), paramNames, literalSegments };
  });
}

/**
 * The spec operation a request goes to. Where several templates match (`/systems/event_types`
 * also matches `/systems/{system_id}`), the one with more literal segments wins, as in every
 * router that follows OpenAPI's "concrete paths before templated ones" rule.
 */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  routeTable ??= compileRoutes();
  const path = pathname.split('?')[0] ?? '';
  const upper = method.toUpperCase();
  let best: { route: CompiledRoute; values: string[] } | undefined;
  for (const route of routeTable) {
    if (route.method !== upper) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    if (!best || route.literalSegments > best.route.literalSegments) {
      best = { route, values: m.slice(1) };
    }
  }
  if (!best) return undefined;
  const params: Record<string, string> = {};
  best.route.paramNames.forEach((name, i) => {
    params[name] = decodeURIComponent(best.values[i] ?? '');
  });
  return { template: best.route.template, operationId: best.route.operationId, params };
}

// ---------------------------------------------------------------- schema conversion

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
function componentsUsedAsItems(spec: Spec): Set<string> {
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

// ---------------------------------------------------------------- ajv

function ajvFor(modes: Modes): Ajv {
  let ajv = ajvCache.get(modesKey(modes));
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true, // a report lists every problem of a body, not just the first
      strict: false, // see the header: annotations the spec may grow must not break runtime
      logger: false,
      useDefaults: false,
      coerceTypes: false,
      removeAdditional: false,
      validateFormats: true,
    });
    // ajv-formats is CommonJS; under NodeNext its default import is the module object.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
      addFormatsModule) as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    for (const f of ['int32', 'int64', 'float', 'double']) ajv.addFormat(f, true);
    const components = loadSpec().components?.schemas ?? {};
    const asItems = componentsUsedAsItems(loadSpec());
    const definitions: JsonObject = {};
    for (const [name, s] of Object.entries(components))
      definitions[name] = toJsonSchema(s, modes, asItems.has(name));
    ajv.addSchema({ $id: COMPONENTS_ID, definitions });
    ajvCache.set(modesKey(modes), ajv);
  }
  return ajv;
}

/** The response object the spec documents for a status: exact code, then `4XX`, then default. */
function responseFor(op: OperationObject, status: number): ResponseObject | undefined {
  const r = op.responses ?? {};
  return r[String(status)] ?? r[`${String(status)[0]}XX`] ?? r.default;
}

/** The body schema of a response: application/json first, else the first content type with one. */
export function responseSchema(
  method: string,
  template: string,
  status: number,
): { found: false; why: string } | { found: true; schema: JsonObject | undefined } {
  const op = loadSpec().paths[template]?.[method.toLowerCase()];
  if (!op) return { found: false, why: `${method.toUpperCase()} ${template} is not in the spec` };
  const response = responseFor(op, status);
  if (!response) {
    return {
      found: false,
      why: `status ${status} is not documented for ${method.toUpperCase()} ${template}`,
    };
  }
  const content = response.content ?? {};
  const media = content['application/json'] ?? Object.values(content).find((m) => m.schema);
  return { found: true, schema: media?.schema };
}

function validatorFor(
  method: string,
  template: string,
  status: number,
  modes: Modes,
): ValidateFunction | null | string {
  const key = `${modesKey(modes)} ${method.toUpperCase()} ${template} ${status}`;
  const cached = validatorCache.get(key);
  if (cached !== undefined) return cached;
  const found = responseSchema(method, template, status);
  if (!found.found) return found.why;
  const compiled = found.schema
    ? ajvFor(modes).compile(toJsonSchema(found.schema, modes) as JsonObject)
    : null; // documented without a body schema: anything goes
  validatorCache.set(key, compiled);
  return compiled;
}

/** "/intervals/3/powr: must be number" — one line per ajv error. */
function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  const lines = (errors ?? []).map((e) => {
    const where = e.instancePath === '' ? '/' : e.instancePath;
    const p = e.params as Record<string, unknown>;
    let detail = '';
    if (e.keyword === 'type' && Array.isArray(p.type)) return `${where}: must be ${p.type.join(' or ')}`;
    if (e.keyword === 'additionalProperties') detail = ` (${String(p.additionalProperty)})`;
    else if (e.keyword === 'enum')
      detail = ` (${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
    return `${where}: ${e.message ?? e.keyword}${detail}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > MAX_ERRORS
    ? [...unique.slice(0, MAX_ERRORS), `... and ${unique.length - MAX_ERRORS} more`]
    : unique;
}

/** Validates a response body against the spec's schema for (method, path template, status). */
export function validateResponse(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  const v = validatorFor(method, pathTemplate, status, modesOf(options));
  if (typeof v === 'string') return { ok: false, errors: [v] };
  if (v === null || v(body)) return { ok: true };
  return { ok: false, errors: formatErrors(v.errors) };
}

/**
 * Validates a value against one of the spec's component schemas, or one property of it with
 * `Component.property` (used to check the spec's own examples).
 */
export function validateComponent(
  name: string,
  value: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  const modes = modesOf(options);
  const pointer = name.split('.').join('/properties/');
  const v = ajvFor(modes).getSchema(`${COMPONENTS_ID}#/definitions/${pointer}`);
  if (!v) return { ok: false, errors: [`component ${name} is not in the spec`] };
  return v(value) ? { ok: true } : { ok: false, errors: formatErrors(v.errors) };
}
