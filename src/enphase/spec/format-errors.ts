// How ajv's errors read in a validation report.
import type { ErrorObject } from 'ajv';

const MAX_ERRORS = 20;

/** "/intervals/3/powr: must be number" — one line per ajv error. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
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
