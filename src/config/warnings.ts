// What the operator is told about a configuration that parses but may not mean what it says.
import type { Env } from './dotenv.js';
import { envSchema } from './schema.js';

/** What each variable is when it is not set (the schema's defaults; undefined: none). */
const DEFAULTS = envSchema.parse({}) as Record<string, unknown>;

/**
 * The rule for empty values (docs/operations.md "Configuration"): `NAME=` means NAME is not set,
 * as in most .env tooling and in compose files' `${NAME:-}`. Where that silently swaps in a
 * default (`REDIS_URL=` → the local Redis), the operator is told (pure): the variables that were
 * empty and have a default, then the `.env` lines that were ignored.
 */
export function configWarnings(env: Env, dotenvPath: string, badLines: readonly number[]): string[] {
  const warnings: string[] = [];
  const defaulted = Object.keys(envSchema.shape).filter(
    (key) => env[key] !== undefined && env[key]!.trim() === '' && DEFAULTS[key] !== undefined,
  );
  if (defaulted.length > 0) {
    const one = defaulted.length === 1;
    warnings.push(
      `${defaulted.join(', ')} ${one ? 'is' : 'are'} set but empty, which means not set: ${one ? 'its default applies' : 'their defaults apply'} (.env.example lists them)`,
    );
  }
  if (badLines.length > 0) {
    warnings.push(
      `${dotenvPath}: line${badLines.length === 1 ? '' : 's'} ${badLines.join(', ')} ${badLines.length === 1 ? 'is' : 'are'} not NAME=value and ignored`,
    );
  }
  return warnings;
}

/** Warnings already printed: a process that loads its configuration twice says each once. */
const warned = new Set<string>();

export function warnOnStderr(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`enphase-etl: warning: ${line}\n`);
}
