// The plausibility gate between extraction and the loader: what fails the bounds is counted and
// logged, never written. A window may come in pieces (a device at a time): every piece is checked
// as it comes, and what its window left out is reported once, when the window ends.
import type { DatasetName } from '../datasets/index.js';
import type { SystemInfo } from '../extractors/index.js';
import type { ExtractedWindow } from '../extractors/types.js';
import type { DataPoint } from '../normalize/index.js';
import { PlausibilityCheck, plausibilityLimits, type Rejection } from '../normalize/plausibility.js';
import type { SyncDeps } from './sync-types.js';

export class PlausibilityGate {
  private rejected: Record<string, number> = {};
  private rejectedCount = 0;
  private first: Rejection | undefined;

  constructor(
    private readonly deps: SyncDeps,
    private readonly system: SystemInfo,
    private readonly dataset: DatasetName,
  ) {}

  /** The piece's points that pass the plausibility bounds (docs/schema.md), checked at `nowSec`. */
  keep(piece: ExtractedWindow, nowSec: number): DataPoint[] {
    const limits = plausibilityLimits({
      operationalAt: this.system.operationalAt,
      micros: this.system.devices.micros.length,
      now: nowSec,
    });
    const checked = new PlausibilityCheck(limits).filter(piece.points);
    if (checked.rejectedCount === 0) return checked.points;
    for (const [reason, n] of Object.entries(checked.rejected))
      this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
    this.rejectedCount += checked.rejectedCount;
    this.first ??= checked.first;
    return checked.points;
  }

  /**
   * What the window's pieces so far left out: counted into `totals` and the metrics, and logged
   * once with the first offending value. Starts the next window afresh.
   */
  report(window: ExtractedWindow['window'], totals: Record<string, number>): void {
    if (this.rejectedCount === 0) return;
    const { rejected, rejectedCount, first } = this;
    this.rejected = {};
    this.rejectedCount = 0;
    this.first = undefined;
    for (const [reason, n] of Object.entries(rejected)) {
      totals[reason] = (totals[reason] ?? 0) + n;
      this.deps.metrics?.pointsRejected.inc({ dataset: this.dataset, reason }, n);
    }
    this.deps.logger.warn(
      {
        systemId: this.system.id,
        dataset: this.dataset,
        window: { from: window.from, to: window.to },
        rejected: rejectedCount,
        reasons: rejected,
        ...(first === undefined
          ? {}
          : { measurement: first.measurement, field: first.field, value: first.value, time: first.time }),
      },
      'implausible points not written',
    );
  }
}
