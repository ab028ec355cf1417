// What `enphase-etl status` reports: collect.ts fills it from Redis, render.ts prints it, `--json`
// prints it as it is (so these field names are part of the command's output).
import type { QuotaUsage } from '../../state/quota-ledger.js';
import type { QueueName } from '../../jobs/queue-names.js';
import type { RecentImplausible } from '../../state/implausible.js';
import type { LastError } from '../../state/last-errors.js';
import type { SystemProblem } from '../../state/system-problems.js';
import type { Unavailability } from '../../state/unavailable.js';

export interface DatasetStatus {
  dataset: string;
  /** Epoch s: end of the last loaded and settled interval; null: never loaded. */
  watermark: number | null;
  /** The watermark in the system's own time zone. */
  watermarkLocal: string | null;
  /** Seconds from the watermark to now. */
  lagSeconds: number | null;
  /** Epoch ms of the last sync attempt. */
  lastSyncAt: number | null;
  lastError: LastError | null;
  unavailable: (Unavailability & { active: boolean }) | null;
}

export interface SystemStatus {
  id: number;
  name: string | null;
  /** null: a system known only by its problem, whose API answer had no time zone. */
  timeZone: string | null;
  status: string | null;
  /** Quarantined, or its last discovery failed (src/state/system-problems.ts). */
  problem: SystemProblem | null;
  /** Implausible points its answers held, left out, in the last day (src/state/implausible.ts). */
  implausible: RecentImplausible | null;
  datasets: DatasetStatus[];
}

export interface FailedJob {
  queue: QueueName;
  id: string | null;
  name: string;
  systemId: number | null;
  reason: string;
  attempts: number;
  /** Epoch ms. */
  failedAt: number | null;
}

export interface StatusReport {
  now: number;
  plan: string;
  quota: (QuotaUsage & { blocked: boolean }) | { unknown: string };
  /**
   * Endpoints refused for a system (401/403: the plan; 501/400/404/422: permanent answers), in
   * force now; `systemId` null for a call without a system (the systems list).
   */
  restrictedEndpoints: Array<{
    endpoint: string;
    systemId: number | string | null;
    status: number;
    until: number;
    reason: string;
  }>;
  queues: Record<QueueName, Record<string, number>>;
  failedJobs: FailedJob[];
  systems: { total: number; shown: SystemStatus[] };
}

export interface StatusOptions {
  /** Only these systems. */
  systemIds?: number[];
  /** Systems shown (after ordering by attention); the JSON output passes Infinity. */
  limit: number;
  now: number;
}
