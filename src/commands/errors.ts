// Errors that the command line turns into exit codes (DESIGN §4: 0 success, 1 failure of the
// work, 2 bad usage or configuration). Anything else that escapes a command is a failure (1).
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A one-shot command stopped by SIGINT/SIGTERM before its work was done. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}
