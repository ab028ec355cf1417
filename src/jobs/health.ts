// The service's own health in InfluxDB, written on every round (like Telegraf's `internal`
// plugin), so Grafana's Pipeline dashboard and alert rules read it from the same data source as
// the data: quota spent against the month's budget, points written, lag per dataset, errors,
// unavailable datasets, restricted endpoints and the token's state; and one point per system with
// a problem (quarantined, discovery failed), so the Fleet dashboard lists them by id and name.
// `/metrics` stays as it is. Measurements `pipeline`, `pipeline_dataset`, `pipeline_problem`
// (docs/schema.md). Collecting reads Redis only;
// turning what was read into points is pure (healthPoints).
import type { QuotaUsage } from '../state/quota-ledger.js';
import type { SystemProblem } from '../state/system-problems.js';
import type { StoredPair } from '../state/tokens.js';
import { toLineProtocol, type DataPoint } from '../normalize/index.js';
import { readSystemStates, type SystemState } from '../state/system-states.js';
import { isStillUnavailable } from '../state/unavailable.js';
import type { Runtime } from './runtime.js';

export interface HealthInput {
  /** Systems in the registry (usable metadata). */
  systemsTotal: number;
  /** Systems kept out of the pipeline by a problem (src/state/system-problems.ts). */
  systemsQuarantined: number;
  systemsDiscoveryFailed: number;
  /** The systems behind those two counts, each with its problem. */
  problems: readonly SystemProblem[];
  /** Per system id: watermarks, unavailable datasets, last errors. */
  states: ReadonlyMap<string, SystemState>;
  quota: QuotaUsage;
  /** Endpoints the API plan refuses, in force now. */
  endpointsRestricted: number;
  token: StoredPair | undefined;
  /** Points acknowledged by this process since its previous round. */
  pointsWritten: number;
}

interface DatasetHealth {
  lagMax: number;
  worst: number;
  systems: number;
  errors: number;
  unavailable: number;
}

/** The round's points at `nowMs` (pure): `pipeline`, per dataset, per system with a problem. */
export function healthPoints(input: HealthInput, nowMs: number): DataPoint[] {
  const now = Math.floor(nowMs / 1000);
  const datasets = new Map<string, DatasetHealth>();
  const of = (dataset: string): DatasetHealth => {
    let d = datasets.get(dataset);
    if (!d) {
      d = { lagMax: 0, worst: 0, systems: 0, errors: 0, unavailable: 0 };
      datasets.set(dataset, d);
    }
    return d;
  };
  let errors = 0;
  let unavailable = 0;
  for (const [id, state] of input.states) {
    for (const [dataset, watermark] of Object.entries(state.watermarks)) {
      const d = of(dataset);
      const lag = Math.max(0, now - watermark);
      d.systems++;
      if (lag > d.lagMax || d.systems === 1) {
        d.lagMax = lag;
        d.worst = Number(id);
      }
    }
    for (const dataset of Object.keys(state.lastErrors)) {
      of(dataset).errors++;
      errors++;
    }
    for (const [dataset, mark] of Object.entries(state.unavailable)) {
      if (!isStillUnavailable(mark, nowMs)) continue;
      of(dataset).unavailable++;
      unavailable++;
    }
  }
  const { token, quota } = input;
  const pipeline: DataPoint = {
    measurement: 'pipeline',
    tags: {},
    fields: {
      round_at: now,
      systems_total: input.systemsTotal,
      systems_quarantined: input.systemsQuarantined,
      systems_discovery_failed: input.systemsDiscoveryFailed,
      quota_used: quota.total,
      ...(quota.limit !== null ? { quota_limit: quota.limit } : {}),
      ...(quota.budget !== null ? { quota_budget: quota.budget } : {}),
      points_written: input.pointsWritten,
      errors,
      datasets_unavailable: unavailable,
      endpoints_restricted: input.endpointsRestricted,
      ...(token?.expiresAt !== undefined ? { token_expires_at: Math.floor(token.expiresAt / 1000) } : {}),
      ...(token
        ? {
            token_expired: token.expiresAt !== undefined && token.expiresAt <= nowMs ? 1 : 0,
            token_rejected: token.rejected ? 1 : 0,
          }
        : {}),
    },
    time: now,
  };
  const perDataset = [...datasets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dataset, d]): DataPoint => ({
      measurement: 'pipeline_dataset',
      tags: { dataset },
      fields: {
        systems: d.systems,
        errors: d.errors,
        unavailable: d.unavailable,
        ...(d.systems > 0 ? { lag_max_s: d.lagMax, lag_worst_system_id: d.worst } : {}),
      },
      time: now,
    }));
  const perProblem = [...input.problems]
    .sort((a, b) => a.id - b.id)
    .map((p): DataPoint => ({
      measurement: 'pipeline_problem',
      tags: { system_id: String(p.id), kind: p.kind },
      // The name when the API gave one; the id otherwise (a quarantined system may have none).
      fields: { name: p.name ?? String(p.id), reason: p.reason, since: Math.floor(p.since / 1000) },
      time: now,
    }));
  return [pipeline, ...perDataset, ...perProblem];
}

// The process's points counter at its previous round, so each round writes what was added since.
const previousTotals = new WeakMap<object, number>();

async function pointsSinceLastRound(runtime: Runtime): Promise<number> {
  const metric = await runtime.metrics.pointsWritten.get();
  const total = metric.values.reduce((sum, v) => sum + v.value, 0);
  const previous = previousTotals.get(runtime.metrics) ?? 0;
  previousTotals.set(runtime.metrics, total);
  return Math.max(0, total - previous);
}

/** Reads what the round's health needs from Redis and the process's metrics. */
export async function collectHealth(runtime: Runtime): Promise<HealthInput> {
  const ids = await runtime.registry.ids();
  const [states, quota, restricted, token, pointsWritten, problems] = await Promise.all([
    readSystemStates(runtime.redis, runtime.keys, ids),
    runtime.client.quota.usage(),
    runtime.client.restrictions.list(),
    runtime.client.tokens.stored(),
    pointsSinceLastRound(runtime),
    runtime.registry.problems.list(),
  ]);
  return {
    systemsTotal: ids.length,
    systemsQuarantined: problems.filter((p) => p.kind === 'quarantined').length,
    systemsDiscoveryFailed: problems.filter((p) => p.kind === 'discovery-failed').length,
    problems,
    states,
    quota,
    endpointsRestricted: Object.keys(restricted).length,
    token,
    pointsWritten,
  };
}

/** Writes the round's health points (handed to the loader, which flushes them with the rest). */
export async function recordHealth(runtime: Runtime): Promise<number> {
  const points = healthPoints(await collectHealth(runtime), runtime.now());
  await runtime.loader.write(points.map(toLineProtocol));
  return points.length;
}
