// The command-line side that the one-shot commands (`backfill`, `sync`) share: the --system
// option, the run around the work (config → the Redis check → runtime, SIGINT/SIGTERM → a graceful
// abort and a second one → exit 130, the summary, exit codes: 1 when a system failed or Redis
// stayed away longer than REDIS_PATIENCE, InterruptedError when stopped, UsageError for an unknown
// system id) and the summary's text. The run itself is src/jobs/one-shot-run.ts.
import { loadConfig } from '../config.js';
import type { DatasetName } from '../datasets/index.js';
import type { ReachNote } from '../jobs/backfill-reach.js';
import { OutOfReachError, UnknownSystemsError } from '../jobs/backfill-and-sync.js';
import type { OneShotSummary } from '../jobs/one-shot-run.js';
import { createRuntime, type Runtime } from '../jobs/runtime.js';
import { createLogger } from '../log.js';
import { InterruptedError, UsageError } from './errors.js';
import { fewIds } from './format.js';
import { requireRedis } from './redis-check.js';
import { endSoon, onStopSignals } from './signals.js';
import { terminalSafe } from './terminal-text.js';

type CommandSummary = OneShotSummary & { notInPlan?: DatasetName[]; outOfReach?: ReachNote[] };

/** At most ten ids, smallest first, then how many more. */
const listIds = (ids: readonly number[]): string => fewIds([...ids].sort((a, b) => a - b));

/** Systems named one per line under the implausible points' total. */
const SYSTEMS_LISTED = 10;

/** A readable summary of a one-shot run. */
export function formatSummary(what: string, summary: CommandSummary): string {
  const lines = [
    summary.enqueuedOnly
      ? `${what}: ${summary.total} system job(s) enqueued; workers will process them`
      : `${what}: ${summary.completed.length}/${summary.total} systems loaded, ${summary.failed.length} failed, ` +
        `${summary.windows} windows, ${summary.points} points, ${summary.hits} API hits, ${(summary.durationMs / 1_000).toFixed(1)} s` +
        (summary.interrupted ? ' (interrupted)' : ''),
  ];
  if (summary.notInPlan && summary.notInPlan.length > 0)
    lines.push(`  skipped, not included in the API plan: ${summary.notInPlan.join(', ')}`);
  for (const n of summary.outOfReach ?? []) {
    if (n.nothing.length > 0)
      lines.push(
        `  nothing fetched for ${n.dataset} on ${n.nothing.length} system(s) (${listIds(n.nothing)}): the range is older than the API serves (${n.limit}, from ${n.from})`,
      );
    if (n.clamped.length > 0)
      lines.push(
        `  clamped ${n.dataset} on ${n.clamped.length} system(s) (${listIds(n.clamped)}): fetched from ${n.from}, the API serves ${n.limit}`,
      );
  }
  for (const s of summary.skipped.values()) {
    const ids = s.systemIds ? ` (${listIds(s.systemIds)})` : '';
    lines.push(`  skipped ${s.dataset} on ${s.systems} system(s)${ids}: ${s.reason}`);
  }
  if (summary.rejected !== undefined && summary.rejected.size > 0) {
    const reasons = [...summary.rejected].map(([reason, n]) => `${reason} ${n}`).join(', ');
    const total = [...summary.rejected.values()].reduce((a, b) => a + b, 0);
    lines.push(`  rejected ${total} implausible point(s), not written: ${reasons}`);
    // Which systems sent them: the operator's next question, and `status` has the rest.
    const bySystem = [...(summary.rejectedBySystem ?? [])].sort(([a], [b]) => a - b);
    for (const [systemId, counts] of bySystem.slice(0, SYSTEMS_LISTED)) {
      const own = Object.entries(counts).map(([reason, n]) => `${reason} ${n}`);
      lines.push(`    system ${systemId}: ${own.join(', ')}`);
    }
    if (bySystem.length > SYSTEMS_LISTED)
      lines.push(`    and ${bySystem.length - SYSTEMS_LISTED} more system(s) (enphase-etl status)`);
  }
  for (const f of summary.failed) lines.push(`  failed system ${f.systemId}: ${f.reason}`);
  // Reasons carry API answers and error messages: one line each, nothing a terminal obeys.
  return `${lines.map(terminalSafe).join('\n')}\n`;
}

/**
 * The exit code of a run that was not interrupted: 1 when any system failed — its data, or its
 * discovery or quarantine (such a system's job fails at once and is counted here).
 */
export function exitCodeOf(summary: CommandSummary): 0 | 1 {
  return summary.failed.length > 0 ? 1 : 0;
}

/** How long a run that gave up on Redis may take to close before it is ended (docs/operations.md). */
const GAVE_UP_EXIT_MS = 15_000;

/** Runs one one-shot command's work and turns its summary into output and an exit code. */
export async function runOneShotCommand(
  what: 'backfill' | 'sync',
  work: (runtime: Runtime, signal: AbortSignal) => Promise<CommandSummary>,
  interruptedMessage: string,
): Promise<void> {
  const config = loadConfig();
  await requireRedis(config.redisUrl);
  const logger = createLogger({ level: config.logLevel });
  const runtime = createRuntime(config, {
    logger,
    onQuotaExhausted: 'throw',
    redisPatienceMs: config.redisPatienceMs,
  });
  // Once Redis is given up on, nothing more can be committed (every commit needs it): the run ends
  // within this bound even if a wait somewhere never settles, with the one line it owes. The timer
  // holds the process: unreferenced, a wait stranded with no timer left would end it with exit 13.
  // A run that closes in time ends sooner (endSoon below).
  runtime.redisHealth.gaveUp.addEventListener(
    'abort',
    () => {
      setTimeout(() => {
        process.stderr.write(`enphase-etl: ${(runtime.redisHealth.gaveUp.reason as Error).message}\n`);
        process.exit(1);
      }, GAVE_UP_EXIT_MS);
    },
    { once: true },
  );
  const controller = new AbortController();
  // Kept until the runtime is closed: a second signal during the flush still ends it at once.
  const removeHandlers = onStopSignals(() => controller.abort());
  try {
    const summary = await work(runtime, controller.signal);
    process.stdout.write(formatSummary(what, summary));
    if (summary.interrupted) throw new InterruptedError(interruptedMessage);
    if (exitCodeOf(summary) === 1) process.exitCode = 1;
  } catch (error) {
    // Whatever failed after Redis was given up on failed because of it: say that, in one line.
    if (runtime.redisHealth.gaveUp.aborted) throw runtime.redisHealth.gaveUp.reason;
    if (error instanceof UnknownSystemsError) throw new UsageError(error.message);
    if (error instanceof OutOfReachError) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  } finally {
    await runtime.close({ deadlineMs: 30_000 });
    removeHandlers();
    endSoon();
  }
}
