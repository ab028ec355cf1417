// A sync round (DESIGN §2): one sync job per registered system, with the cadences of the budget
// plan, so each job syncs only the datasets that are due. Reads the registry, never the API.
import { planBudget, type BudgetPlan } from '../budget-plan.js';
import type { Config } from '../config.js';
import { DATASET_NAMES, type DatasetName } from '../datasets.js';
import { EXTRACTORS } from '../extractors/index.js';
import type { RegistryStore } from '../state/registry.js';
import { syncJobOptions, type Queues, type SyncJobData } from './queues.js';

/** Systems whose costs stand for the whole fleet in the plan (budget-plan scales by count). */
export const PLAN_SAMPLE = 100;

/** The datasets the service collects: enabled (DATASETS) and included in the plan (pure). */
export function collectedDatasets(config: Pick<Config, 'datasets' | 'enphase'>): DatasetName[] {
  const enabled = config.datasets ?? [...DATASET_NAMES];
  const plan = config.enphase.plan;
  return enabled.filter((d) => plan === 'custom' || EXTRACTORS[d].plans.includes(plan));
}

/** The budget plan for the registry as it is now. */
export async function currentPlan(
  config: Config,
  registry: RegistryStore,
  nowMs: number,
): Promise<BudgetPlan> {
  const count = await registry.count();
  const sample = [];
  for await (const page of registry.list(PLAN_SAMPLE)) {
    sample.push(...page);
    if (sample.length >= PLAN_SAMPLE) break;
  }
  return planBudget({
    limits: {
      perMinute: config.enphase.ratePerMinute,
      perMonth: config.enphase.quotaPerMonth,
      reserve: config.enphase.quotaReserve,
    },
    systems: { count, sample: sample.slice(0, PLAN_SAMPLE) },
    datasets: collectedDatasets(config),
    settleWindowMs: config.settleWindowMs,
    ...(config.syncIntervalMs !== undefined ? { syncIntervalMs: config.syncIntervalMs } : {}),
    now: nowMs,
  });
}

export function cadencesOf(plan: BudgetPlan): Partial<Record<DatasetName, number>> {
  return Object.fromEntries(plan.cadences.map((c) => [c.dataset, c.everyMs]));
}

/** Enqueues one deduplicated sync job per registered system; returns how many were offered. */
export async function enqueueRound(
  queues: Queues,
  registry: RegistryStore,
  round: string,
  cadences: Partial<Record<DatasetName, number>>,
  systemIds?: readonly number[],
): Promise<number> {
  let offered = 0;
  const add = async (ids: readonly number[]): Promise<void> => {
    await queues.sync.addBulk(
      ids.map((systemId) => ({
        name: 'sync',
        data: { systemId, cadences } satisfies SyncJobData,
        opts: syncJobOptions(systemId, round),
      })),
    );
    offered += ids.length;
  };
  if (systemIds) {
    await add(systemIds);
    return offered;
  }
  for await (const page of registry.list()) await add(page.map((e) => e.id));
  return offered;
}
