// Which of a system's datasets a request runs (pure): the plan, the devices and the cadences.
import type { DatasetName } from '../datasets/index.js';
import type { PlanName } from '../enphase/plans.js';
import type { Extractor, SystemInfo } from '../extractors/index.js';

/** A round's cadence check tolerates this share of the cadence, so timer jitter never skips a round. */
const DUE_TOLERANCE = 0.1;

export function isDue(lastSyncMs: number | undefined, everyMs: number | undefined, nowMs: number): boolean {
  if (lastSyncMs === undefined || everyMs === undefined) return true;
  return nowMs - lastSyncMs >= everyMs * (1 - DUE_TOLERANCE);
}

export type Selection = { run: DatasetName[]; skipped: Array<{ dataset: DatasetName; reason: string }> };

/** Which datasets a request covers for a system, and why the others are left out (pure). */
export function selectDatasets(
  system: SystemInfo,
  wanted: readonly DatasetName[],
  plan: PlanName,
  extractors: Readonly<Record<DatasetName, Extractor>>,
): Selection {
  const run: DatasetName[] = [];
  const skipped: Selection['skipped'] = [];
  for (const dataset of wanted) {
    const extractor = extractors[dataset];
    if (plan !== 'custom' && !extractor.plans.includes(plan)) {
      skipped.push({ dataset, reason: `not included in the ${plan} plan` });
    } else if (!extractor.appliesTo(system)) {
      skipped.push({ dataset, reason: 'the system has no such data (no matching device)' });
    } else run.push(dataset);
  }
  return { run, skipped };
}
