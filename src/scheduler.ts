// The scheduler (DESIGN §2): BullMQ job schedulers for discovery (daily) and sync rounds (every
// tick of the budget plan, or SYNC_INTERVAL). upsertJobScheduler is idempotent: restarting the
// scheduler, or running two, never duplicates a schedule. The plan is recomputed hourly (the
// registry grows with discovery) and the round's schedule moved only when its tick changed.
import type { BudgetPlan } from './budget-plan.js';
import { JOB_DISCOVER, JOB_ROUND, type Queues } from './jobs/queues.js';
import { currentPlan } from './jobs/round.js';
import type { Runtime } from './jobs/runtime.js';

export const SCHEDULER_DISCOVER = 'discover-daily';
export const SCHEDULER_ROUND = 'sync-round';
const DISCOVERY_EVERY_MS = 86_400_000;
const REPLAN_EVERY_MS = 3_600_000;

export interface SchedulerOptions {
  /** Override the round's period (tests); otherwise SYNC_INTERVAL, else the plan's tick. */
  tickMs?: number;
  discoverEveryMs?: number;
  replanEveryMs?: number;
}

export interface RunningScheduler {
  /** The period of sync rounds now in force. */
  tickMs(): number;
  plan(): BudgetPlan;
  close(): Promise<void>;
}

/** Upserts both schedules (idempotent). */
export async function upsertSchedules(
  queues: Queues,
  periods: { discoverEveryMs: number; roundEveryMs: number },
): Promise<void> {
  await queues.discover.upsertJobScheduler(
    SCHEDULER_DISCOVER,
    { every: periods.discoverEveryMs },
    { name: JOB_DISCOVER, data: { enqueueSync: false } },
  );
  await queues.discover.upsertJobScheduler(
    SCHEDULER_ROUND,
    { every: periods.roundEveryMs },
    { name: JOB_ROUND, data: {} },
  );
}

export async function startScheduler(
  runtime: Runtime,
  options: SchedulerOptions = {},
): Promise<RunningScheduler> {
  const log = runtime.logger.child({ component: 'scheduler' });
  const discoverEveryMs = options.discoverEveryMs ?? DISCOVERY_EVERY_MS;
  let plan = await currentPlan(runtime.config, runtime.registry, runtime.now());
  const tickOf = (p: BudgetPlan): number => options.tickMs ?? runtime.config.syncIntervalMs ?? p.tickMs;
  let tick = tickOf(plan);

  const describe = (p: BudgetPlan) => ({
    tickMs: tick,
    hitsPerDay: p.hitsPerDay,
    projectedMonth: p.projectedMonth,
    budget: p.budget,
    fits: p.fits,
    cadences: Object.fromEntries(p.cadences.map((c) => [c.dataset, c.everyMs])),
  });
  await upsertSchedules(runtime.queues, { discoverEveryMs, roundEveryMs: tick });
  log.info(describe(plan), 'schedules in place');
  for (const warning of plan.warnings) log.warn({ warning }, 'budget plan warning');

  // A fresh installation: discover now instead of waiting for the first daily run.
  if ((await runtime.registry.count()) === 0) {
    const day = new Date(runtime.now()).toISOString().slice(0, 10);
    await runtime.queues.discover.add(
      JOB_DISCOVER,
      { enqueueSync: true },
      { jobId: `discover-initial-${day}` },
    );
    log.info('registry empty: discovery enqueued now');
  }

  const replan = setInterval(() => {
    void (async () => {
      const next = await currentPlan(runtime.config, runtime.registry, runtime.now());
      plan = next;
      const nextTick = tickOf(next);
      if (nextTick !== tick) {
        tick = nextTick;
        await upsertSchedules(runtime.queues, { discoverEveryMs, roundEveryMs: tick });
        log.info(describe(next), 'plan changed: sync round rescheduled');
      }
    })().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'replanning failed'));
  }, options.replanEveryMs ?? REPLAN_EVERY_MS);
  replan.unref();

  return {
    tickMs: () => tick,
    plan: () => plan,
    async close() {
      clearInterval(replan);
    },
  };
}
