// The plausibility gate between extraction and the loader: what fails the bounds is counted and
// logged, never written.
import type { DatasetName } from '../datasets/index.js';
import type { SystemInfo } from '../extractors/index.js';
import type { ExtractedWindow } from '../extractors/types.js';
import type { DataPoint } from '../normalize/index.js';
import { PlausibilityCheck, plausibilityLimits } from '../normalize/plausibility.js';
import type { SyncDeps } from './sync-types.js';

/**
 * The window's points that pass the plausibility bounds (docs/schema.md); the others are counted
 * into `rejected` and the metrics, and logged once for the window with the first offending value.
 */
export function plausiblePoints(
  deps: SyncDeps,
  system: SystemInfo,
  dataset: DatasetName,
  extracted: ExtractedWindow,
  nowSec: number,
  rejected: Record<string, number>,
): DataPoint[] {
  const limits = plausibilityLimits({
    operationalAt: system.operationalAt,
    micros: system.devices.micros.length,
    now: nowSec,
  });
  const checked = new PlausibilityCheck(limits).filter(extracted.points);
  if (checked.rejectedCount === 0) return checked.points;
  for (const [reason, n] of Object.entries(checked.rejected)) {
    rejected[reason] = (rejected[reason] ?? 0) + n;
    deps.metrics?.pointsRejected.inc({ dataset, reason }, n);
  }
  const first = checked.first;
  deps.logger.warn(
    {
      systemId: system.id,
      dataset,
      window: { from: extracted.window.from, to: extracted.window.to },
      rejected: checked.rejectedCount,
      reasons: checked.rejected,
      ...(first === undefined
        ? {}
        : { measurement: first.measurement, field: first.field, value: first.value, time: first.time }),
    },
    'implausible points not written',
  );
  return checked.points;
}
