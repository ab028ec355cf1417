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
//
// Where it lives: the spec and its corrections in spec/load.ts, routing in spec/routes.ts, the
// schema conversion in spec/json-schema.ts, ajv and its caches in spec/compile.ts, the report's
// lines in spec/format-errors.ts.
import { ajvFor, validatorFor } from './spec/compile.js';
import { formatErrors } from './spec/format-errors.js';
import { COMPONENTS_ID, type Modes, type UnknownPropertiesMode } from './spec/json-schema.js';

export { responseSchema } from './spec/compile.js';
export { toJsonSchema, type Modes, type UnknownPropertiesMode } from './spec/json-schema.js';
export {
  listOperations,
  loadSpec,
  promisedDateFieldOperations,
  SPEC_CORRECTIONS,
  type SpecOperation,
} from './spec/load.js';
export { matchRoute, type RouteMatch } from './spec/routes.js';

export interface ValidateOptions {
  /** 'allow' (default, runtime): extra fields pass. 'reject' (contract test): they are errors. */
  unknownProperties?: UnknownPropertiesMode;
  /** 'allow' (default, runtime): scalars inside array items may be null. 'reject': as the spec says. */
  nullsInItems?: UnknownPropertiesMode;
}

function modesOf(options: ValidateOptions): Modes {
  return {
    unknownProperties: options.unknownProperties ?? 'allow',
    nullsInItems: options.nullsInItems ?? 'allow',
  };
}

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

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
