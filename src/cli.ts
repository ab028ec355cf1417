// The command line of DESIGN §4: the commands are defined in src/commands/definitions.ts, each
// loading the module that runs it only when it runs; this file maps outcomes to exit codes. It
// imports only light modules (the error classes it tells apart live apart from what throws them),
// so that `--help` costs little more than Node itself.
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config/error.js';
import { verboseErrorsRequested } from './config/verbose.js';
import { AuthError } from './enphase/errors/auth-error.js';
import { defineCommands } from './commands/definitions.js';
import { InterruptedError, UsageError } from './commands/errors.js';
import { InfluxUnreachableError } from './loaders/errors.js';
import { RedisLostError } from './jobs/redis-health.js';
import { endQuietlyOnClosedPipe } from './commands/signals.js';
import { collectBeforeTheHeapBalloons } from './commands/heap-growth.js';

export function buildProgram(): Command {
  const program = new Command('enphase-etl')
    .description(
      'Keeps InfluxDB filled with what the Enphase Enlighten Systems API v4 knows about your systems.',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  defineCommands(program);
  return program;
}

/** Exit code for an error that escaped a command (DESIGN §4). */
export function exitCodeFor(error: unknown): number {
  // Commander ends `--help`, `help <command>` and `--version` with exit code 0; the rest is usage.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  // A refused refresh token is fixed like a configuration: by a person, with `enphase-etl auth`.
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof AuthError) return 2;
  return 1;
}

/**
 * What the operator reads for an error that ended a command: its message, after its type when
 * that says something (`AuthError: …`); the stack only when LOG_LEVEL asks for debug output.
 */
export function errorText(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (verbose && error.stack) return error.stack;
  const plain =
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof InterruptedError ||
    error instanceof InfluxUnreachableError ||
    error instanceof RedisLostError;
  return plain || error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}

/** Runs the command line; sets process.exitCode instead of exiting, so open work can finish. */
export async function main(argv: string[]): Promise<void> {
  collectBeforeTheHeapBalloons();
  const program = buildProgram();
  endQuietlyOnClosedPipe();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = exitCodeFor(error);
    // Commander has already printed its own usage message; the others get one clear line.
    if (!(error instanceof CommanderError))
      process.stderr.write(`enphase-etl: ${errorText(error, verboseErrorsRequested())}\n`);
    process.exitCode = code;
  }
}
