// `enphase-etl status [--system ids] [--limit N] [--json]`: per system and dataset the watermark
// (in the system's local time), its lag, the last sync, the last error and whether the dataset is
// unavailable on this plan; systems with a problem (quarantined, or their discovery failed); the
// month's quota from the client's ledger and whether a 429 blocks it; queue counts and the failed
// jobs with their reasons (the dead-letter view). Everything is read in a few pipelined passes, so
// 10,000 systems cost a handful of round trips, not 10,000.
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config.js';
import { EXTRACTORS, type DatasetName } from '../datasets/index.js';
import { createQuotaLedger, type QuotaUsage } from '../enphase/quota.js';
import { createPlanRestrictions } from '../enphase/restrictions.js';
import { openQueues, QUEUE_NAMES, type QueueName } from '../jobs/queues.js';
import { apiKeyId, createKeys, type RedisKeys } from '../state/keys.js';
import type { LastError } from '../state/last-errors.js';
import { RegistryStore, type RegistryEntry } from '../state/registry.js';
import type { SystemProblem } from '../state/system-problems.js';
import { readSyncMarks } from '../state/sync-marks.js';
import { readSystemStates, type SystemState } from '../state/system-states.js';
import { isStillUnavailable, type Unavailability } from '../state/unavailable.js';
import { UsageError } from './errors.js';
import { datasetsFor, humanDuration, table } from './plan.js';
import { connectRedisOrFail } from './redis-check.js';
import { terminalSafe } from './terminal-text.js';

/** Failed jobs shown per queue (newest first); BullMQ keeps them for 14 days. */
const FAILED_JOBS_SHOWN = 50;

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

// One formatter per time zone: building one (or luxon's named-offset formatting) per value costs
// about a millisecond, which 10,000 systems turn into seconds.
const localFormats = new Map<string, Intl.DateTimeFormat | null>();

function localFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = localFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      format = null;
    }
    localFormats.set(timeZone, format);
  }
  return format;
}

/** The watermark as the system's owner reads it: `2026-11-27 15:00 GMT+11` in its own zone. */
function localTime(epochSeconds: number, timeZone: string): string {
  const format = localFormat(timeZone);
  if (format === null) return new Date(epochSeconds * 1000).toISOString();
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(epochSeconds * 1000))) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

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
      watermarkLocal: watermark === null ? null : localTime(watermark, timeZone ?? 'UTC'),
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
    datasets,
  };
}

/**
 * How much a system needs attention: a quarantine or failed discovery, then errors, then active
 * unavailability, then the largest lag.
 */
function attentionScore(s: SystemStatus): [number, number, number, number] {
  let errors = 0;
  let unavailable = 0;
  let lag = 0;
  for (const d of s.datasets) {
    if (d.lastError) errors++;
    if (d.unavailable?.active) unavailable++;
    lag = Math.max(lag, d.lagSeconds ?? 0);
  }
  return [s.problem ? 1 : 0, errors, unavailable, lag];
}

/** Systems needing attention first (see attentionScore), then by id. */
function byAttention(systems: SystemStatus[]): SystemStatus[] {
  const scored = systems.map((system) => ({ system, score: attentionScore(system) }));
  scored.sort((a, b) => {
    for (let i = 0; i < 4; i++) {
      const diff = (b.score[i] ?? 0) - (a.score[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return a.system.id - b.system.id;
  });
  return scored.map((s) => s.system);
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

export interface StatusOptions {
  /** Only these systems. */
  systemIds?: number[];
  /** Systems shown (after ordering by attention); the JSON output passes Infinity. */
  limit: number;
  now: number;
}

export async function collectStatus(
  redis: Redis,
  keys: RedisKeys,
  config: Config,
  options: StatusOptions,
): Promise<StatusReport> {
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
  // Every known system: those with usable metadata, with their problem if their last discovery
  // failed, and those known only by their problem.
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
  const systems = byAttention(
    known.map((k) =>
      systemStatus(k, states.get(String(idOf(k))), lastSyncs.get(idOf(k)) ?? {}, planned, options.now),
    ),
  );

  const queues = openQueues(redis, keys);
  try {
    const counts = {} as StatusReport['queues'];
    const failedJobs: FailedJob[] = [];
    for (const name of QUEUE_NAMES) {
      const queue = queues[name];
      counts[name] = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'failed',
        'completed',
      );
      for (const job of await queue.getFailed(0, FAILED_JOBS_SHOWN - 1)) {
        const data = (job.data ?? {}) as { systemId?: unknown };
        failedJobs.push({
          queue: name,
          id: job.id ?? null,
          name: job.name,
          systemId: typeof data.systemId === 'number' ? data.systemId : null,
          reason: job.failedReason ?? '',
          attempts: job.attemptsMade,
          failedAt: job.finishedOn ?? null,
        });
      }
    }
    failedJobs.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
    return {
      now: options.now,
      plan: config.enphase.plan,
      quota: await readQuota(redis, keys, config, options.now),
      restrictedEndpoints: await readRestrictions(redis, keys, config, options.now, options.systemIds),
      queues: counts,
      failedJobs,
      systems: { total: systems.length, shown: systems.slice(0, options.limit) },
    };
  } finally {
    await queues.close();
  }
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
const ago = (ms: number, now: number): string => `${humanDuration(Math.max(0, now - ms))} ago`;
/** Text from outside (API answers, error messages) as one short line a terminal cannot obey. */
const oneLine = (text: string, max = 100): string => {
  const flat = terminalSafe(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Systems listed by name in one restriction line; the JSON output has them all. */
const RESTRICTED_SYSTEMS_SHOWN = 10;

/** One line per endpoint and status: which systems it was refused for, until when, why. */
function formatRestrictions(restricted: StatusReport['restrictedEndpoints']): string[] {
  const groups = new Map<string, StatusReport['restrictedEndpoints']>();
  for (const r of restricted) {
    const id = `${r.status} ${r.endpoint}`;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const what = first.status === 401 || first.status === 403 ? 'Not in the plan' : 'Not available';
    const ids = group.filter((r) => r.systemId !== null).map((r) => String(r.systemId));
    const shown = ids.slice(0, RESTRICTED_SYSTEMS_SHOWN).join(', ');
    const more =
      ids.length > RESTRICTED_SYSTEMS_SHOWN ? `, … ${ids.length - RESTRICTED_SYSTEMS_SHOWN} more` : '';
    const where =
      ids.length === 0
        ? 'for the API key'
        : `for ${ids.length} system${ids.length === 1 ? '' : 's'} (${shown}${more})`;
    const until = Math.max(...group.map((r) => r.until));
    return `${what} (${first.status}): ${first.endpoint} ${where}, until ${iso(until)}${first.reason ? `: ${oneLine(first.reason, 80)}` : ''}.`;
  });
}

/** The human-readable report. */
export function formatStatus(report: StatusReport): string[] {
  const out: string[] = [];
  const q = report.quota;
  if ('unknown' in q) out.push(`Quota: unknown (${q.unknown}).`);
  else {
    const of =
      q.budget === null
        ? '(no monthly cap)'
        : `of a budget of ${int(q.budget)} (${int(q.limit ?? 0)} − ${int(q.reserve)} reserve)`;
    const blocked =
      q.blocked && q.blockedUntil !== undefined
        ? `BLOCKED by a 429 until ${iso(q.blockedUntil)}`
        : 'not blocked';
    out.push(`Quota ${q.month} (${report.plan} plan): ${int(q.total)} requests used ${of}; ${blocked}.`);
  }
  out.push(...formatRestrictions(report.restrictedEndpoints));
  out.push(
    `Queues: ${QUEUE_NAMES.map((name) => {
      const c = report.queues[name];
      const waiting = (c.waiting ?? 0) + (c.prioritized ?? 0);
      return `${name} ${int(waiting)} waiting, ${int(c.active ?? 0)} active, ${int(c.delayed ?? 0)} delayed, ${int(c.failed ?? 0)} failed`;
    }).join(' | ')}.`,
  );
  const { total, shown } = report.systems;
  out.push('');
  if (total === 0)
    out.push(
      'No systems in the registry yet: discovery has not run (start the service, or `enphase-etl sync`).',
    );
  for (const system of shown) {
    // Names come from the API as they were typed: control characters are shown, never obeyed.
    const label = system.name ? ` "${terminalSafe(system.name)}"` : '';
    out.push(
      terminalSafe(
        `System ${system.id}${label} (${system.timeZone ?? 'no time zone'})${system.status ? `, status ${system.status}` : ''}`,
      ),
    );
    const p = system.problem;
    if (p) {
      const what =
        p.kind === 'quarantined'
          ? 'QUARANTINED (its jobs fail at once; rechecked at every discovery)'
          : 'DISCOVERY FAILED (retried at the next discovery)';
      out.push(`  ${what} since ${iso(p.since)}: ${oneLine(p.reason)}`);
    }
    const rows = system.datasets.map((d) => {
      const notes: string[] = [];
      if (d.unavailable) {
        const until = d.unavailable.until !== undefined ? ` until ${iso(d.unavailable.until)}` : '';
        notes.push(
          `${d.unavailable.active ? 'unavailable' : 'was unavailable'}${until}: ${oneLine(d.unavailable.reason, 80)}`,
        );
      }
      if (d.lastError)
        notes.push(`error ${ago(d.lastError.at, report.now)}: ${oneLine(d.lastError.message)}`);
      return [
        `  ${d.dataset}`,
        d.watermarkLocal ?? 'never loaded',
        d.lagSeconds === null ? '' : humanDuration(d.lagSeconds * 1000),
        d.lastSyncAt === null ? '' : ago(d.lastSyncAt, report.now),
        notes.join('; '),
      ];
    });
    out.push(
      ...table(['  dataset', 'watermark (local)', 'lag', 'last sync', 'last error / unavailable'], rows),
    );
  }
  if (shown.length < total) {
    out.push(
      `… ${int(total - shown.length)} more systems (the ${int(shown.length)} above need attention most): --system <id,…>, --limit N or --json.`,
    );
  }
  if (report.failedJobs.length > 0) {
    out.push('', 'Failed jobs (dead letters, newest first):');
    const rows = report.failedJobs.map((j) => [
      `  ${j.queue}`,
      j.id ?? '',
      j.systemId === null ? '' : `system ${j.systemId}`,
      `${j.attempts} attempt${j.attempts === 1 ? '' : 's'}`,
      j.failedAt === null ? '' : iso(j.failedAt),
      oneLine(j.reason),
    ]);
    out.push(...table(['  queue', 'job', 'system', 'attempts', 'failed at', 'reason'], rows));
  }
  // The fields from outside are escaped above (so the tables line up); this catches the rest.
  return out.map(terminalSafe);
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.some((s) => !/^\d+$/.test(s)))
    throw new UsageError(`--system: expected ids like 123,456, got "${text}"`);
  return ids.map(Number);
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit: expected a whole number, got "${text}"`);
  return Number(text);
}

export async function runStatus(
  config: Config,
  options: { system?: number[]; limit?: number; json?: boolean; now?: number },
  out: (line: string) => void,
): Promise<StatusReport> {
  const redis = await connectRedisOrFail(config.redisUrl, 'status reads everything from it');
  try {
    const report = await collectStatus(redis, createKeys(config.redisKeyPrefix), config, {
      ...(options.system ? { systemIds: options.system } : {}),
      limit: options.json ? Infinity : (options.limit ?? 20),
      now: options.now ?? Date.now(),
    });
    if (options.json) out(JSON.stringify(report, null, 2));
    else formatStatus(report).forEach((line) => out(line));
    return report;
  } finally {
    redis.disconnect();
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'per system and dataset: watermark, lag, last error; quota used this month; queues and failed jobs',
    )
    .option('--system <ids>', 'only these systems (comma-separated ids)', parseIds)
    .option(
      '--limit <n>',
      'systems shown in the table, those needing attention first (default 20)',
      parseLimit,
    )
    .option('--json', 'everything, machine-readable')
    .action(async (options: { system?: number[]; limit?: number; json?: boolean }) => {
      await runStatus(loadConfig(), options, (line) => process.stdout.write(`${line}\n`));
    });
}
