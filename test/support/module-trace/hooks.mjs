// The module hooks of register.mjs: every URL an import resolves to, appended to the trace file
// (synchronously, so nothing is lost when the process exits at once).
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, `${result.url}\n`);
  return result;
}
