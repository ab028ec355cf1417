// Node child processes that run the project's TypeScript. The tsx loader is named by its absolute
// URL, resolved from this file: a bare `--import tsx` resolves from the child's working directory,
// so it fails in a temporary folder (or picks up some other tsx) on a machine where the project's
// own node_modules is not on that path.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `execArgv` for a `fork` of a .ts file under the project's tsx. */
export function tsxExecArgv(): string[] {
  return ['--import', TSX_LOADER];
}

/** `node` arguments that run `script` (a .ts file) under the project's tsx, then `args`. */
export function tsxArgs(script: string, ...args: string[]): string[] {
  return [...tsxExecArgv(), script, ...args];
}
