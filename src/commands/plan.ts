// `enphase-etl plan [--systems N] [--json]`: the request budget — hits per round, rounds per day,
// the month's projection and the freshness per dataset — as planBudget chooses it from the
// configuration and the registry's systems (docs/budget.md). Reads Redis only; sends no request.
import { Redis } from 'ioredis';
import {
  budgetInput,
  datasetsFor,
  registrySample,
  systemsLeftOut,
  type PlanDatasets,
  type SystemsLeftOut,
} from '../budget-input.js';
import { planBudget, DAY_MS, type BudgetInput, type BudgetPlan } from '../budget-plan.js';
import type { Config } from '../config.js';
import type { SystemInfo } from '../extractors/index.js';
import { createKeys, type RedisKeys } from '../state/keys.js';
import { RegistryStore } from '../state/registry.js';
import { humanDuration, int, num, table } from './format.js';
import { terminalSafe } from './terminal-text.js';
import { tryRedis } from './redis-check.js';

/**
 * The system assumed before discovery has run: everything a system can have (20 micros, a
 * production and a consumption meter, an IQ Battery, an EV charger), so every dataset of the plan
 * applies and the assumption never flatters the budget.
 */
export function assumedSystem(): SystemInfo {
  return {
    id: 0,
    name: 'assumed system',
    timeZone: 'UTC',
    operationalAt: null,
    meterStartDate: null,
    devices: {
      micros: Array.from({ length: 20 }, (_, i) => `assumed-micro-${i + 1}`),
      encharges: ['assumed-encharge'],
      acbs: [],
      evChargers: ['assumed-ev-charger'],
      meters: ['assumed-production-meter', 'assumed-consumption-meter'],
    },
    hasProductionMeter: true,
    hasConsumptionMeter: true,
    hasBattery: true,
  };
}

export type SystemsSource =
  | { kind: 'registry'; count: number; sampled: number }
  | { kind: 'what-if'; count: number; sampled: number; from: 'registry' | 'assumed' }
  | { kind: 'assumed'; count: 1; why: string };

export interface PlanReport {
  config: {
    plan: string;
    perMinute: number;
    perMonth: number | null;
    reserve: number;
    settleWindowMs: number;
    syncIntervalMs: number | null;
  };
  systems: SystemsSource;
  /** Known systems the plan does not cost: quarantined, or whose discovery failed (`status` lists them). */
  leftOut: SystemsLeftOut;
  datasets: PlanDatasets;
  plan: BudgetPlan;
}

export async function buildPlanReport(
  config: Config,
  options: { systems?: number; redis?: Redis; redisError?: string; keys?: RedisKeys; now: number },
): Promise<PlanReport> {
  const datasets = datasetsFor(config);
  let registry: { count: number; sample: SystemInfo[] } | undefined;
  let leftOut: SystemsLeftOut = { quarantined: 0, discoveryFailed: 0 };
  if (options.redis) {
    const store = new RegistryStore(options.redis, options.keys ?? createKeys(config.redisKeyPrefix));
    registry = await registrySample(store);
    leftOut = await systemsLeftOut(store);
  }
  let systems: BudgetInput['systems'];
  let source: SystemsSource;
  if (options.systems !== undefined) {
    const fromRegistry = registry !== undefined && registry.sample.length > 0;
    const sample = fromRegistry ? registry!.sample : [assumedSystem()];
    systems = { count: options.systems, sample };
    source = {
      kind: 'what-if',
      count: options.systems,
      sampled: sample.length,
      from: fromRegistry ? 'registry' : 'assumed',
    };
  } else if (registry !== undefined && registry.count > 0) {
    systems = registry.sample.length === registry.count ? registry.sample : registry;
    source = { kind: 'registry', count: registry.count, sampled: registry.sample.length };
  } else {
    systems = [assumedSystem()];
    const why =
      options.redis === undefined
        ? `Redis is not reachable (${options.redisError ?? 'no connection'})`
        : 'the registry is empty (discovery has not run yet)';
    source = { kind: 'assumed', count: 1, why };
  }
  const plan = planBudget(budgetInput(config, systems, datasets.planned, options.now));
  return {
    config: {
      plan: config.enphase.plan,
      perMinute: config.enphase.ratePerMinute,
      perMonth: config.enphase.quotaPerMonth,
      reserve: config.enphase.quotaReserve,
      settleWindowMs: config.settleWindowMs,
      syncIntervalMs: config.syncIntervalMs ?? null,
    },
    systems: source,
    leftOut,
    datasets,
    plan,
  };
}

/** The human-readable report. */
export function formatPlanReport(report: PlanReport): string[] {
  const { config: c, plan, systems, datasets } = report;
  const out: string[] = [];
  const month =
    c.perMonth === null ? 'no monthly cap' : `${int(c.perMonth)} a month, ${int(c.reserve)} kept in reserve`;
  out.push(`Limits (${c.plan} plan): ${int(c.perMinute)} requests a minute, ${month}.`);
  if (systems.kind === 'registry') {
    const sampled =
      systems.sampled < systems.count ? ` (costed from a sample of ${int(systems.sampled)})` : '';
    out.push(`Systems: ${int(systems.count)} from the registry${sampled}.`);
  } else if (systems.kind === 'what-if') {
    const like =
      systems.from === 'registry' ? 'like the registry’s' : 'each like the assumed fully equipped system';
    out.push(`Systems: ${int(systems.count)} (what if, --systems), ${like}.`);
  } else {
    out.push(
      `Systems: assuming ONE fully equipped system (20 micros, both meters, an IQ Battery, an EV charger): ${systems.why}. Ask "what if" with --systems N.`,
    );
  }
  const { quarantined, discoveryFailed } = report.leftOut;
  if (quarantined + discoveryFailed > 0) {
    const parts = [
      ...(quarantined > 0 ? [`${int(quarantined)} quarantined (metadata not usable)`] : []),
      ...(discoveryFailed > 0 ? [`${int(discoveryFailed)} whose discovery failed`] : []),
    ];
    out.push(`Left out of the plan: ${parts.join(', ')}; \`enphase-etl status\` lists them.`);
  }
  out.push(
    `Settle window ${humanDuration(c.settleWindowMs)}; cadence ${c.syncIntervalMs === null ? 'planned from the quota' : `SYNC_INTERVAL=${humanDuration(c.syncIntervalMs)}`}.`,
  );
  out.push('');
  const rows = plan.cadences.map((cad) => [
    cad.dataset,
    humanDuration(cad.everyMs),
    int(cad.hitsPerRound),
    num(DAY_MS / cad.everyMs),
    num(cad.hitsPerDay),
    humanDuration(cad.freshnessMs),
  ]);
  rows.push([
    'discovery',
    humanDuration(plan.discovery.everyMs),
    int(Math.ceil(plan.discovery.hitsPerRun)),
    num(DAY_MS / plan.discovery.everyMs),
    int(Math.ceil((plan.discovery.hitsPerRun * DAY_MS) / plan.discovery.everyMs)),
    '',
  ]);
  rows.push(['total', '', '', '', num(Math.round(plan.hitsPerDay * 100) / 100), '']);
  out.push(
    ...table(['dataset', 'every', 'hits/round', 'rounds/day', 'hits/day', 'freshness'], rows, [
      false,
      false,
      true,
      true,
      true,
      false,
    ]),
  );
  out.push('');
  const budget =
    plan.budget === null
      ? 'no monthly cap'
      : `${Math.round((plan.projectedMonth / Math.max(1, plan.budget)) * 100)} % of the budget of ${int(plan.budget)}`;
  const heaviest = Math.ceil(
    plan.cadences.reduce((sum, cad) => sum + cad.hitsPerRound, 0) + plan.discovery.hitsPerRun,
  );
  const shortest = Math.min(plan.tickMs, ...plan.cadences.map((cad) => cad.everyMs));
  out.push(
    `Scheduler tick: every ${humanDuration(plan.tickMs)}. When everything falls due at once: ${int(heaviest)} requests, ` +
      `${humanDuration((heaviest / Math.max(1, c.perMinute)) * 60_000)} at ${int(c.perMinute)}/min` +
      ` (the shortest cadence is ${humanDuration(shortest)}).`,
  );
  out.push(`Projected month (31 days): ${int(plan.projectedMonth)} requests, ${budget}.`);
  out.push(plan.fits ? 'Fits the month and the per-minute rate.' : 'DOES NOT FIT.');
  if (datasets.notInPlan.length > 0) {
    out.push(`Not included in the ${c.plan} plan (skipped): ${datasets.notInPlan.join(', ')}.`);
  }
  for (const warning of plan.warnings) out.push(`Warning: ${warning}.`);
  // A Redis error or a registry's odd value must not reach the terminal as control characters.
  return out.map(terminalSafe);
}

export async function runPlan(
  config: Config,
  options: { systems?: number; json?: boolean; now?: number },
  out: (line: string) => void,
): Promise<PlanReport> {
  const connection = await tryRedis(config.redisUrl);
  const redis = 'redis' in connection ? connection.redis : undefined;
  try {
    const report = await buildPlanReport(config, {
      ...(options.systems !== undefined ? { systems: options.systems } : {}),
      ...(redis ? { redis } : { redisError: 'error' in connection ? connection.error : '' }),
      now: options.now ?? Date.now(),
    });
    if (options.json) out(JSON.stringify(report, null, 2));
    else formatPlanReport(report).forEach((line) => out(line));
    return report;
  } finally {
    redis?.disconnect();
  }
}
