// A sync round (DESIGN §2): one sync job per registered system, with the cadences of the budget
// plan, so each job syncs only the datasets that are due. Reads the registry, never the API.
import { budgetInput, datasetsFor, registrySample } from '../budget-input.js';
import { planBudget, type BudgetPlan } from '../budget-plan.js';
import type { Config } from '../config.js';
import type { DatasetName } from '../datasets/index.js';
import type { RegistryStore } from '../state/registry.js';
import { syncJobOptions, type Queues, type SyncJobData } from './queues.js';

/** The budget plan for the registry as it is now: the same inputs `enphase-etl plan` prints. */
export async function currentPlan(
  config: Config,
  registry: RegistryStore,
  nowMs: number,
): Promise<BudgetPlan> {
  const systems = await registrySample(registry);
  return planBudget(budgetInput(config, systems, datasetsFor(config).planned, nowMs));
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
