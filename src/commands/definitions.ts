// The command line's definitions (DESIGN §4), in the order of the contract: each command's name,
// description and options, and an action that imports the module doing its work only when it
// runs. So `--help`, or a command that needs only Redis, never loads the simulator, fastify,
// BullMQ, the validator or an HTTP client (test/cli-lean.test.ts checks what they load).
import type { Command } from 'commander';
import type { SystemSelection } from '../jobs/backfill-and-sync.js';
import type { BackfillOptions } from './backfill.js';
import type { SimulatorFlags } from './simulator.js';
import {
  parseBackfillConcurrency,
  parseIds,
  parseLimit,
  parseSystemCount,
  parseSystems,
  parseWorkerConcurrency,
  positive,
  wholeNumber,
} from './options.js';
import { loadWithASmallYoungGeneration } from './heap-growth.js';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * backfill.ts, imported just before `backfill` parses its options (the hook below): its --from,
 * --to and --datasets parsers read the dataset registry, which the other commands' help and
 * options do not need.
 */
let backfillModule: typeof import('./backfill.js') | undefined;
const backfillParsers = (): typeof import('./backfill.js') => {
  if (!backfillModule) throw new Error('backfill.js was not loaded before its options were parsed');
  return backfillModule;
};

/** `start`, `worker` and `scheduler`: the service, or one of its halves (start.ts). */
function defineService(program: Command): void {
  program
    .command('start')
    .description('worker and scheduler in one process (the service); stops gracefully on SIGINT/SIGTERM')
    .action(async () => (await import('./start.js')).runStart({ worker: true, scheduler: true }));
  // Run as many workers as you like on as many machines as you like against one Redis (one
  // limiter and quota ledger per API key).
  program
    .command('worker')
    .description('processes discovery, sync and backfill jobs; stops gracefully on SIGINT/SIGTERM')
    .option('--concurrency <n>', 'jobs processed at once per queue', parseWorkerConcurrency, 4)
    .action(async (opts: { concurrency: number }) =>
      (await import('./start.js')).runStart({
        worker: true,
        scheduler: false,
        concurrency: opts.concurrency,
      }),
    );
  // Keeps the job schedulers in place; upserts are idempotent, so a restart or a second scheduler
  // duplicates nothing.
  program
    .command('scheduler')
    .description('schedules discovery and sync rounds (budget plan); stops on SIGINT/SIGTERM')
    .action(async () => (await import('./start.js')).runStart({ worker: false, scheduler: true }));
}

/** `backfill` and `sync`: one-shot runs processed in this process (backfill.ts, sync.ts). */
function defineOneShot(program: Command): void {
  program
    .command('backfill')
    .description('loads history for some systems or all, with a progress bar; resumable')
    .requiredOption('--system <ids|all>', "system ids (comma-separated) or 'all'", parseSystems)
    .requiredOption('--from <YYYY-MM-DD>', 'first local day of each system', (t) =>
      backfillParsers().parseDate('--from', t),
    )
    .option('--to <YYYY-MM-DD>', 'last local day, inclusive (default: today; clamped to now)', (t) =>
      backfillParsers().parseDate('--to', t),
    )
    .option('--datasets <a,b>', 'only these datasets', (t) => backfillParsers().parseDatasets(t))
    .option('--force', 'fetch again what is already loaded')
    .option('--enqueue-only', 'only enqueue the jobs; running workers process them')
    .option('--concurrency <n>', 'systems processed at once', parseBackfillConcurrency, 4)
    .action(async (opts: BackfillOptions) => backfillParsers().runBackfillCommand(opts));
  program
    .command('sync')
    .description('one incremental round now (every dataset), waits for it')
    .option(
      '--system <ids|all>',
      "system ids (comma-separated) or 'all'",
      parseSystems,
      'all' as SystemSelection,
    )
    .action(async (opts: { system: SystemSelection }) => (await import('./sync.js')).runSyncCommand(opts));
}

/** `status` and `plan`: read Redis, print a report (status/, plan.ts). */
function defineReports(program: Command): void {
  program
    .command('status')
    .description(
      'per system and dataset: watermark, lag, last error; quota used this month; queues and failed jobs',
    )
    .option('--system <ids>', 'only these systems (comma-separated ids)', parseIds)
    .option(
      '--limit <n>',
      'systems shown in the table, those needing attention first (default 20)',
      parseLimit,
    )
    .option('--json', 'everything, machine-readable')
    .action(async (options: { system?: number[]; limit?: number; json?: boolean }) => {
      const [{ loadConfig }, { runStatus }] = await loadWithASmallYoungGeneration(() =>
        Promise.all([import('../config.js'), import('./status/index.js')]),
      );
      await runStatus(loadConfig(), options, print);
    });
  program
    .command('plan')
    .description('the request budget: hits per sync round, the cadence chosen, the month’s projection')
    .option(
      '--systems <n>',
      'what if there were N systems (default: the registry, else one assumed)',
      parseSystemCount,
    )
    .option('--json', 'machine-readable output')
    .action(async (options: { systems?: number; json?: boolean }) => {
      const [{ loadConfig }, { runPlan }] = await loadWithASmallYoungGeneration(() =>
        Promise.all([import('../config.js'), import('./plan.js')]),
      );
      await runPlan(loadConfig(), options, print);
    });
}

/** `auth url | exchange --code <code> | refresh` (auth.ts). */
function defineAuth(program: Command): void {
  const auth = program.command('auth').description('OAuth helper: auth url | exchange --code | refresh');
  auth
    .command('url')
    .description('print the URL where the system owner authorises this application')
    .action(async () => (await import('./auth.js')).runAuthUrlCommand());
  auth
    .command('exchange')
    .description('exchange the code from the redirect for a token pair, stored in Redis')
    .requiredOption('--code <code>', 'the code= value of the redirect URL')
    .action(async (options: { code: string }) =>
      (await import('./auth.js')).runAuthExchangeCommand(options.code),
    );
  auth
    .command('refresh')
    .description('refresh the stored token pair now')
    .action(async () => (await import('./auth.js')).runAuthRefreshCommand());
}

/** `simulator` and `demo` (simulator.ts, demo.ts): the only commands that load the simulator. */
function defineSimulator(program: Command): void {
  program
    .command('simulator')
    .description('the built-in Enphase API simulator (docs/simulator.md)')
    .option('--port <port>', 'port to listen on (0: a free one)', wholeNumber('--port', 0, 65_535), 4010)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--systems <n>', 'number of simulated systems', wholeNumber('--systems', 1, 1_000_000), 5)
    .option('--seed <s>', 'seed of the deterministic data', wholeNumber('--seed', 0, 2 ** 31 - 1), 1)
    .option('--faults <spec>', 'fault injection, e.g. error=0.1,latency=200 (docs/simulator.md)')
    .option('--misbehaviour <file>', 'per-system misbehaviour knobs, a JSON file (docs/simulator.md)')
    .action(async (opts: SimulatorFlags) => (await import('./simulator.js')).runSimulatorCommand(opts));
  program
    .command('demo')
    .description(
      'everything on one machine: simulator, local Redis/InfluxDB, a short backfill, then the service',
    )
    .option('--systems <n>', 'simulated systems', positive('--systems'), 3)
    .option('--days <n>', 'days of history to backfill', positive('--days'), 2)
    .option('--backfill-only', 'stop after the backfill instead of running the service')
    .action(async (opts: { systems: number; days: number; backfillOnly?: boolean }) => {
      await (
        await import('./demo.js')
      ).runDemo({ systems: opts.systems, days: opts.days, backfillOnly: opts.backfillOnly === true }, print);
    });
}

/** Adds every command to `program`, in the order of DESIGN §4. */
export function defineCommands(program: Command): void {
  defineService(program);
  defineOneShot(program);
  defineReports(program);
  defineAuth(program);
  defineSimulator(program);
  // Runs after `program` found the command and before the command parses its own arguments.
  program.hook('preSubcommand', async (_program, command) => {
    if (command.name() === 'backfill') backfillModule = await import('./backfill.js');
  });
}
