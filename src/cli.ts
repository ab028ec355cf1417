// The command line of DESIGN §4. Each command lives in its own module under src/commands/ and
// registers itself here; this file only maps outcomes to exit codes.
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.js';
import { registerAuthCommand } from './commands/auth.js';
import { InterruptedError, UsageError } from './commands/errors.js';
import { registerBackfillCommand } from './commands/backfill.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerSchedulerCommand } from './commands/scheduler.js';
import { registerSimulatorCommand } from './commands/simulator.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerWorkerCommand } from './commands/worker.js';
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
  if (error instanceof ConfigError || error instanceof UsageError) return 2;
  return 1;
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
    if (!(error instanceof CommanderError)) {
      const known =
        error instanceof ConfigError ||
        error instanceof UsageError ||
        error instanceof InterruptedError ||
        error instanceof RedisLostError;
      process.stderr.write(
        `enphase-etl: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
      );
    }
    process.exitCode = code;
  }
}
