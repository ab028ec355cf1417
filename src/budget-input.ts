// What planBudget is fed, from the configuration and the registry: one place, so the scheduler's
// cadence and what `enphase-etl plan` prints are computed from the same inputs.
import type { BudgetInput } from './budget-plan.js';
import type { Config } from './config.js';
import { DATASET_NAMES, EXTRACTORS, type DatasetName } from './datasets/index.js';
import type { SystemInfo } from './extractors/index.js';
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

/**
 * The registry's size and a sample of at most `sampleSize` entries (the first HSCAN pages). The
 * registry lists usable systems only; when the sample is the whole registry, its size is the
 * count (a stored entry with unusable metadata is not costed).
 */
export async function registrySample(
  registry: RegistryStore,
  sampleSize = PLAN_SAMPLE_SIZE,
): Promise<{ count: number; sample: SystemInfo[] }> {
  const stored = await registry.count();
  const sample: SystemInfo[] = [];
  if (stored === 0) return { count: 0, sample };
  for await (const page of registry.list()) {
    sample.push(...page.slice(0, sampleSize - sample.length));
    if (sample.length >= sampleSize) return { count: stored, sample };
  }
  return { count: sample.length, sample };
}

/** Systems the plan leaves out: quarantined, or never discovered (a failed discovery, no stored facts). */
export interface SystemsLeftOut {
  quarantined: number;
  discoveryFailed: number;
}

/**
 * The registry keeps only usable systems, so the sample above never holds a system with a problem;
 * this says how many were left out, for `plan` and the scheduler's log.
 */
export async function systemsLeftOut(registry: RegistryStore): Promise<SystemsLeftOut> {
  const problems = await registry.problems.list();
  const failed = problems.filter((p) => p.kind === 'discovery-failed').map((p) => p.id);
  const withFacts = new Set((await registry.getMany(failed)).map((e) => e.id));
  return {
    quarantined: problems.filter((p) => p.kind === 'quarantined').length,
    discoveryFailed: failed.filter((id) => !withFacts.has(id)).length,
  };
}
