// The media types each operation answers with, read from the OpenAPI file (never a hand-written
// list): the client's Accept header says what the spec declares, so a server that honours Accept
// does not answer 406. The EV charger operations declare their 200 body as
// `application/octet-stream` (it holds JSON; the client parses it as JSON whatever the type).
import { loadSpec } from './response-validator.js';

const JSON_TYPE = 'application/json';
const cache = new Map<string, string>();

/** The 200 answer's declared media types of an operation; [] when it declares none. */
export function successMediaTypes(method: string, template: string): string[] {
  const op = loadSpec().paths[template]?.[method.toLowerCase()];
  return Object.keys(op?.responses?.['200']?.content ?? {});
}

/** Every media type the operation declares, the 200 answer's first (errors are mostly JSON). */
function declaredMediaTypes(method: string, template: string): string[] {
  const op = loadSpec().paths[template]?.[method.toLowerCase()];
  const types = new Set(successMediaTypes(method, template));
  for (const response of Object.values(op?.responses ?? {}))
    for (const type of Object.keys(response.content ?? {})) types.add(type);
  return [...types];
}

/**
 * The Accept header for an operation: its declared types, the 200 answer's first; JSON where the
 * spec declares nothing (and after the declared ones, at a lower preference, since every error
 * body of the API is JSON).
 */
export function acceptHeaderFor(method: string, template: string): string {
  const id = `${method.toLowerCase()} ${template}`;
  let header = cache.get(id);
  if (header === undefined) {
    const types = declaredMediaTypes(method, template);
    if (types.length === 0) header = JSON_TYPE;
    else header = (types.includes(JSON_TYPE) ? types : [...types, `${JSON_TYPE};q=0.5`]).join(', ');
    cache.set(id, header);
  }
  return header;
}
