// What `enphase-etl status` reads: per system and dataset the watermark (in the system's local
// time), its lag, the last sync, the last error and whether the dataset is unavailable on this
// plan; systems with a problem (quarantined, or their discovery failed); the month's quota from
// the client's ledger and whether a 429 blocks it; queue counts and the failed jobs with their
// reasons (the dead-letter view). Everything is read through the stores in a few pipelined passes,
// so 10,000 systems cost a handful of round trips, not 10,000.
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { createQuotaLedger } from '../../state/quota-ledger.js';
import { createPlanRestrictions } from '../../state/restrictions.js';
import { EXTRACTORS, type DatasetName } from '../../datasets/index.js';
import { datasetsFor } from '../../budget-input.js';
import { apiKeyId, type RedisKeys } from '../../state/keys.js';
import { RegistryStore, type RegistryEntry } from '../../state/registry.js';
import type { SystemProblem } from '../../state/system-problems.js';
import { readSyncMarks } from '../../state/sync-marks.js';
import { readSystemStates, type SystemState } from '../../state/system-states.js';
import { isStillUnavailable } from '../../state/unavailable.js';
import { localMinute } from '../format.js';
import { readQueues } from './queues.js';
import { byAttention } from './rank.js';
import type { DatasetStatus, StatusOptions, StatusReport, SystemStatus } from './report.js';

/**
 * One system's rows (pure): the datasets that apply to it and are enabled on the plan, and any
 * other dataset that has state (a watermark, an error, a mark) — nothing known is hidden.
 */
function systemStatus(
  known: { entry: RegistryEntry; problem?: SystemProblem } | { problem: SystemProblem },
  state: SystemState | undefined,
  lastSync: Record<string, number>,
  planned: readonly DatasetName[],
  nowMs: number,
): SystemStatus {
  const entry = 'entry' in known ? known.entry : undefined;
  const problem = known.problem ?? null;
  const timeZone = entry?.timeZone ?? problem?.timeZone ?? null;
  // A system without usable metadata has no planned datasets: only what it has state for.
  const names = new Set<string>(entry ? planned.filter((d) => EXTRACTORS[d].appliesTo(entry)) : []);
  for (const d of Object.keys(state?.watermarks ?? {})) names.add(d);
  for (const d of Object.keys(state?.lastErrors ?? {})) names.add(d);
  for (const d of Object.keys(state?.unavailable ?? {})) names.add(d);
  const datasets = [...names].map((dataset): DatasetStatus => {
    const watermark = state?.watermarks[dataset] ?? null;
    const mark = state?.unavailable[dataset];
    return {
      dataset,
      watermark,
      watermarkLocal: watermark === null ? null : localMinute(watermark, timeZone ?? 'UTC'),
      lagSeconds: watermark === null ? null : Math.max(0, Math.floor(nowMs / 1000) - watermark),
      lastSyncAt: lastSync[dataset] ?? null,
      lastError: state?.lastErrors[dataset] ?? null,
      unavailable: mark ? { ...mark, active: isStillUnavailable(mark, nowMs) } : null,
    };
  });
  return {
    id: 'entry' in known ? known.entry.id : known.problem.id,
    name: entry?.name ?? problem?.name ?? null,
    timeZone,
    status: entry?.status ?? null,
    problem,
    implausible: state?.implausible ?? null,
    datasets,
  };
}

async function readQuota(
  redis: Redis,
  keys: RedisKeys,
  config: Config,
  nowMs: number,
): Promise<StatusReport['quota']> {
  const apiKey = config.enphase.apiKey;
  if (!apiKey) return { unknown: 'ENPHASE_API_KEY is not set: there is no quota ledger to read' };
  const id = apiKeyId(apiKey);
  const ledger = createQuotaLedger({
    redis,
    ledgerKey: (month) => keys.quotaLedger(id, month),
    blockedKey: keys.quotaBlockedUntil(id),
    limit: config.enphase.quotaPerMonth,
    reserve: config.enphase.quotaReserve,
    now: () => nowMs,
  });
  const usage = await ledger.usage();
  return { ...usage, blocked: usage.blockedUntil !== undefined };
}

async function readRestrictions(
  redis: Redis,
  keys: RedisKeys,
  config: Config,
  nowMs: number,
  systemIds: readonly number[] | undefined,
): Promise<StatusReport['restrictedEndpoints']> {
  if (!config.enphase.apiKey) return [];
  const restrictions = createPlanRestrictions({
    redis,
    key: keys.planRestricted(apiKeyId(config.enphase.apiKey)),
    recheckMs: config.enphase.planRestrictionRecheckMs,
    now: () => nowMs,
  });
  const wanted = systemIds ? new Set(systemIds.map(String)) : undefined;
  return (await restrictions.list())
    .filter((r) => r.systemId === undefined || !wanted || wanted.has(String(r.systemId)))
    .map((r) => ({
      endpoint: r.endpoint,
      systemId: r.systemId ?? null,
      status: r.status,
      until: r.until,
      reason: r.reason,
    }));
}

/**
 * Every known system, needing attention first: those with usable metadata (with their problem if
 * their last discovery failed) and those known only by their problem.
 */
async function readSystems(
  redis: Redis,
  keys: RedisKeys,
  config: Config,
  options: StatusOptions,
): Promise<SystemStatus[]> {
  const registry = new RegistryStore(redis, keys);
  let entries: RegistryEntry[] = [];
  let problems: SystemProblem[];
  if (options.systemIds) {
    entries = await registry.getMany(options.systemIds);
    problems = [...(await registry.problems.getMany(options.systemIds)).values()];
  } else {
    for await (const page of registry.list()) entries.push(...page);
    problems = await registry.problems.list();
  }
  const problemOf = new Map(problems.map((p) => [p.id, p]));
  const usable = new Set(entries.map((e) => e.id));
  const known = [
    ...entries.map((entry) => {
      const problem = problemOf.get(entry.id);
      return problem ? { entry, problem } : { entry };
    }),
    ...problems.filter((p) => !usable.has(p.id)).map((problem) => ({ problem })),
  ];
  const idOf = (k: (typeof known)[number]): number => ('entry' in k ? k.entry.id : k.problem.id);
  const ids = known.map(idOf);
  const [states, lastSyncs] = await Promise.all([
    readSystemStates(redis, keys, ids),
    readSyncMarks(redis, keys, ids),
  ]);
  const planned = datasetsFor(config).planned;
  return byAttention(
    known.map((k) =>
      systemStatus(k, states.get(String(idOf(k))), lastSyncs.get(idOf(k)) ?? {}, planned, options.now),
    ),
  );
}

export async function collectStatus(
  redis: Redis,
  keys: RedisKeys,
  config: Config,
  options: StatusOptions,
): Promise<StatusReport> {
  const systems = await readSystems(redis, keys, config, options);
  const { queues, failedJobs } = await readQueues(redis, keys);
  return {
    now: options.now,
    plan: config.enphase.plan,
    quota: await readQuota(redis, keys, config, options.now),
    restrictedEndpoints: await readRestrictions(redis, keys, config, options.now, options.systemIds),
    queues,
    failedJobs,
    systems: { total: systems.length, shown: systems.slice(0, options.limit) },
  };
}
