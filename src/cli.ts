// The command line of DESIGN §4. Each command lives in its own module under src/commands/ and
// registers itself here; this file only maps outcomes to exit codes.
import { Command, CommanderError } from 'commander';
import { ConfigError, verboseErrorsRequested } from './config.js';
import { AuthError } from './enphase/errors/index.js';
import { registerAuthCommand } from './commands/auth.js';
import { InterruptedError, UsageError } from './commands/errors.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerSchedulerCommand } from './commands/scheduler.js';
import { registerSimulatorCommand } from './commands/simulator.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status/index.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerWorkerCommand } from './commands/worker.js';
import { InfluxUnreachableError } from './loaders/index.js';
import { RedisLostError } from './jobs/redis-health.js';
import { endQuietlyOnClosedPipe } from './commands/signals.js';

export function buildProgram(): Command {
  const program = new Command('enphase-etl')
    .description(
      'Keeps InfluxDB filled with what the Enphase Enlighten Systems API v4 knows about your systems.',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  // Each command module adds itself (one line each), in the order of DESIGN §4.
  registerStartCommand(program);
  registerWorkerCommand(program);
  registerSchedulerCommand(program);
  registerBackfillCommand(program);
  registerSyncCommand(program);
  registerStatusCommand(program);
  registerPlanCommand(program);
  registerAuthCommand(program);
  registerSimulatorCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Exit code for an error that escaped a command (DESIGN §4). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
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
