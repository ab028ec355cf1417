// What planBudget is fed, from the configuration and the registry: one place, so the scheduler's
// cadence and what `enphase-etl plan` prints are computed from the same inputs.
import type { BudgetInput } from './budget-plan.js';
import type { Config } from './config.js';
import { DATASET_NAMES, type DatasetName } from './datasets.js';
import { EXTRACTORS, type SystemInfo } from './extractors/index.js';
import type { RegistryStore } from './state/registry.js';

/** Registry entries the plan costs one by one; beyond that the sample stands for the fleet. */
const PLAN_SAMPLE_SIZE = 2_000;

export interface PlanDatasets {
  /** Enabled and allowed by the plan: what the budget covers and the service collects. */
  planned: DatasetName[];
  /** Enabled (DATASETS) but not readable on this plan. */
  notInPlan: DatasetName[];
}

/** DATASETS (or every dataset) narrowed to what the API plan can read, per the extractors. */
export function datasetsFor(config: Pick<Config, 'datasets' | 'enphase'>): PlanDatasets {
  const enabled = config.datasets ?? [...DATASET_NAMES];
  const allowed = (d: DatasetName): boolean => EXTRACTORS[d].plans.includes(config.enphase.plan);
  return { planned: enabled.filter(allowed), notInPlan: enabled.filter((d) => !allowed(d)) };
}

/** The inputs of planBudget from the configuration and the systems at hand. */
export function budgetInput(
  config: Config,
  systems: BudgetInput['systems'],
  datasets: DatasetName[],
  now: number,
): BudgetInput {
  const input: BudgetInput = {
    limits: {
      perMinute: config.enphase.ratePerMinute,
      perMonth: config.enphase.quotaPerMonth,
      reserve: config.enphase.quotaReserve,
    },
    systems,
    datasets,
    settleWindowMs: config.settleWindowMs,
    now,
  };
  if (config.syncIntervalMs !== undefined) input.syncIntervalMs = config.syncIntervalMs;
  return input;
}

/** The registry's size and a sample of at most `sampleSize` entries (the first HSCAN pages). */
export async function registrySample(
  registry: RegistryStore,
  sampleSize = PLAN_SAMPLE_SIZE,
): Promise<{ count: number; sample: SystemInfo[] }> {
  const count = await registry.count();
  const sample: SystemInfo[] = [];
  if (count > 0) {
    for await (const page of registry.list()) {
      sample.push(...page.slice(0, sampleSize - sample.length));
      if (sample.length >= sampleSize) break;
    }
  }
  return { count, sample };
}
