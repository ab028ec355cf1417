// LOG_LEVEL alone, for the command line's error output: it needs no schema (zod), and must answer
// even when the rest of the configuration is invalid.
import { readEnv, type Env } from './dotenv.js';

/**
 * Whether LOG_LEVEL asks for debug output (debug, trace): then an error that ends a command is
 * printed with its stack.
 */
export function verboseErrorsRequested(env: Env = process.env, dotenvPath = '.env'): boolean {
  try {
    return ['debug', 'trace'].includes((readEnv(env, dotenvPath)['LOG_LEVEL'] ?? '').trim());
  } catch {
    return false;
  }
}
