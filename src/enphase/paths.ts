// Where a request goes: the OpenAPI path template filled with its parameters, and the query
// without the parameters left out.

/** `/api/v4/systems/{system_id}/x` + {system_id: 5} → `api/v4/systems/5/x` (relative to prefixUrl). */
export function fillTemplate(template: string, params: Record<string, unknown> | undefined): string {
  const filled = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`path parameter ${name} missing for ${template}`);
    }
    return encodeURIComponent(String(value));
  });
  return filled.replace(/^\/+/, '');
}

/** The query's parameters that have a value (undefined and null ones are not sent). */
export function queryParams(
  query: Record<string, unknown> | undefined,
): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params[name] = value as string | number | boolean;
  }
  return params;
}
