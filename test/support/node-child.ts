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

/**
 * The machine as the parent sees it, for a child given an otherwise minimal environment: its time
 * zone (`TZ`) and, when the suite runs under libfaketime (docs/testing.md, "Dates and time zones"),
 * the faked clock, so that parent, child and services agree on "now".
 */
export function machineEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && /^(TZ|LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC)$/.test(entry[0]),
    ),
  );
}
