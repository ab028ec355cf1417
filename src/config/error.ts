// The configuration's error, in a module of its own: the command line tells it apart (exit 2) and
// many modules throw it, none of which should load the configuration schema (zod) to do so.

/** A configuration that cannot work: the CLI prints `message` and exits 2, without a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Only a person can fix a configuration: a job failing with one is not tried again. */
  readonly retryable = false;
}
