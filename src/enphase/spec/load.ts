// The OpenAPI file (openapi/enphase-v4-openapi.yaml), read once and corrected where it contradicts
// itself, and the list of its operations. Read from its JSON copy (openapi/enphase-v4-openapi.json,
// written by `npm run gen:api`; a test keeps the two equal): parsing the YAML took every process
// ~0.45 s and ~26 MiB of RSS, JSON.parse takes ~6 ms and ~2 MiB.
import { existsSync, readFileSync } from 'node:fs';

export interface SpecOperation {
  method: string; // upper case
  template: string;
  operationId: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface MediaType {
  schema?: JsonObject;
  example?: Json;
  examples?: Record<string, { value?: Json }>;
}
export interface ResponseObject {
  content?: Record<string, MediaType>;
}
export interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
export interface Spec {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonObject> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

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

const SPEC_PATH = 'openapi/enphase-v4-openapi.json';

/**
 * The spec's file, in openapi/ at the package root (package.json "files"): the nearest folder above
 * this module that holds it. This module sits at different depths: src/enphase/spec/ under jest
 * and tsx, a chunk of the bundle in dist/ or dist/chunks/ after the build (scripts/build.mjs).
 */
function specUrl(): URL {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const candidate = new URL(SPEC_PATH, dir);
    if (existsSync(candidate)) return candidate;
    if (dir.pathname === '/') throw new Error(`${SPEC_PATH} not found above ${import.meta.url}`);
  }
}

let specCache: Spec | undefined;

/** The parsed OpenAPI document (read once; callers must not mutate it). */
export function loadSpec(): Spec {
  if (!specCache) {
    specCache = JSON.parse(readFileSync(specUrl(), 'utf8')) as Spec;
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

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
