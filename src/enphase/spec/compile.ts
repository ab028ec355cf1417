// One ajv instance per tolerance mode and one compiled validator per (mode, method, path template,
// status), compiled on first use and cached.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { COMPONENTS_ID, componentsUsedAsItems, modesKey, toJsonSchema, type Modes } from './json-schema.js';
import { loadSpec, type JsonObject, type OperationObject, type ResponseObject } from './load.js';

const ajvCache = new Map<string, Ajv>();
const validatorCache = new Map<string, ValidateFunction | null>();

export function ajvFor(modes: Modes): Ajv {
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

export function validatorFor(
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
