// The monthly ledger (UTC calendar months, as Enphase counts them): every request sent is counted
// here before it leaves, whatever its answer, by endpoint and in total, so `status` and `plan` can
// read what the month has cost. When the month's budget (quota minus reserve) is spent, no more
// requests are sent until the next month. A 429 for the month from the API blocks the key until
// the API's period_end, whatever the ledger says.
import type { Redis } from 'ioredis';

/** 'YYYY-MM' of an instant, in UTC. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** Epoch ms of the first instant of the next UTC month. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * The ledger's rule in Lua. Requests are counted by the request gate's script
 * (src/enphase/gate.ts), which runs this with the limiter's and the restrictions' rules in one
 * round trip; the rule itself lives here, with the ledger.
 * `quota_refusal(ledger, blocked key, budget ('' = none), now ms)` is nil when a request may be
 * counted, {2, blocked-until} while a 429 for the month is in force, {0, total} when the budget is
 * spent; `quota_count(ledger, endpoint, ttl ms)` counts one request and returns the new total.
 * Check and count run in one script, so two processes cannot both take the last request of the
 * budget.
 */
export const QUOTA_LUA = `
local function quota_refusal(ledger, blocked_key, budget, now)
  local blocked = tonumber(redis.call('GET', blocked_key) or '0')
  if blocked > now then return {2, blocked} end
  if budget ~= '' then
    local total = tonumber(redis.call('HGET', ledger, 'total') or '0')
    if total >= tonumber(budget) then return {0, total} end
  end
  return nil
end
local function quota_count(ledger, endpoint, ttl)
  local total = redis.call('HINCRBY', ledger, 'total', 1)
  redis.call('HINCRBY', ledger, 'endpoint:' .. endpoint, 1)
  redis.call('PEXPIRE', ledger, ttl)
  return total
end
`;

// KEYS[1] the month's hash, KEYS[2] the month block. ARGV: budget ('' = none), endpoint, ttl (ms),
// now (ms). Returns {1, total} when counted, else quota_refusal's answer. The client counts through
// the request gate instead; this is the ledger on its own (tools, tests).
const RECORD_SCRIPT = `${QUOTA_LUA}
local refusal = quota_refusal(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[4]))
if refusal then return refusal end
return {1, quota_count(KEYS[1], ARGV[2], ARGV[3])}
`;

// Ledgers are kept a while after their month, for `status` and comparisons.
export const LEDGER_TTL_MS = 400 * 86_400_000;

export interface QuotaUsage {
  month: string;
  total: number;
  byEndpoint: Record<string, number>;
  /** The plan's monthly quota; null: no cap. */
  limit: number | null;
  reserve: number;
  /** What syncs may spend: limit - reserve; null: no cap. */
  budget: number | null;
  /** Epoch ms until which the API said the quota is spent (a 429 for the month), if any. */
  blockedUntil?: number;
}

export type RecordResult =
  | { ok: true; total: number }
  /** `budget`: quota minus reserve spent (retry next month); `blocked`: the API's 429 for the month. */
  | { ok: false; reason: 'budget' | 'blocked'; total: number; retryAt: number };

export interface QuotaLedger {
  readonly limit: number | null;
  readonly reserve: number;
  /**
   * Counts one request to `endpoint` if no month block is in force and the budget allows
   * (`useReserve` lets it spend the reserve). The client counts through its request gate, which
   * runs the same rule (QUOTA_LUA) with the limiter's in one round trip.
   */
  record(endpoint: string, options?: { useReserve?: boolean }): Promise<RecordResult>;
  /**
   * What the request gate needs to run QUOTA_LUA for a request at `atMs`: the month's hash, the
   * month block and the budget ('' = no cap; `useReserve` lets it spend the reserve).
   */
  gateArgs(atMs: number, useReserve: boolean): { ledgerKey: string; blockedKey: string; budget: string };
  usage(month?: string): Promise<QuotaUsage>;
  /** Epoch ms of a month block from the API still in force, or undefined. */
  blockedUntil(): Promise<number | undefined>;
  /** Stores a month block; true when it is new (so it is logged once, not by every worker). */
  blockUntil(untilMs: number): Promise<boolean>;
}

export interface QuotaOptions {
  redis: Redis;
  /** keys.quotaLedger bound to the API key. */
  ledgerKey: (month: string) => string;
  /** keys.quotaBlockedUntil(apiKeyId). */
  blockedKey: string;
  limit: number | null;
  reserve: number;
  now?: () => number;
}

/** QUOTA_LUA's answer for a request at `atMs`: {1, total} counted, {0, total} budget, {2, until} blocked. */
export function readRecordAnswer(status: number, value: number, atMs: number): RecordResult {
  if (status === 1) return { ok: true, total: value };
  if (status === 2) return { ok: false, reason: 'blocked', total: NaN, retryAt: value };
  return { ok: false, reason: 'budget', total: value, retryAt: nextMonthStart(atMs) };
}

type RedisWithRecord = Redis & {
  enphaseQuotaRecord(
    key: string,
    blockedKey: string,
    budget: string,
    endpoint: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<[number, number]>;
};

export function createQuotaLedger(options: QuotaOptions): QuotaLedger {
  const now = options.now ?? Date.now;
  const redis = options.redis as RedisWithRecord;
  if (typeof redis.enphaseQuotaRecord !== 'function') {
    redis.defineCommand('enphaseQuotaRecord', { numberOfKeys: 2, lua: RECORD_SCRIPT });
  }
  const budgetFor = (useReserve: boolean): number | null =>
    options.limit === null ? null : Math.max(0, options.limit - (useReserve ? 0 : options.reserve));

  const gateArgs: QuotaLedger['gateArgs'] = (atMs, useReserve) => {
    const budget = budgetFor(useReserve);
    return {
      ledgerKey: options.ledgerKey(monthOf(atMs)),
      blockedKey: options.blockedKey,
      budget: budget === null ? '' : String(budget),
    };
  };

  const blockedUntil = async (): Promise<number | undefined> => {
    const raw = await redis.get(options.blockedKey);
    const until = raw === null ? NaN : Number(raw);
    return Number.isFinite(until) && until > now() ? until : undefined;
  };

  return {
    limit: options.limit,
    reserve: options.reserve,
    async record(endpoint, recordOptions = {}) {
      const at = now();
      const month = gateArgs(at, recordOptions.useReserve ?? false);
      const [status, value] = await redis.enphaseQuotaRecord(
        month.ledgerKey,
        month.blockedKey,
        month.budget,
        endpoint,
        LEDGER_TTL_MS,
        at,
      );
      return readRecordAnswer(status, value, at);
    },
    gateArgs,
    async usage(month = monthOf(now())) {
      const hash = await redis.hgetall(options.ledgerKey(month));
      const byEndpoint: Record<string, number> = {};
      for (const [field, value] of Object.entries(hash)) {
        if (field.startsWith('endpoint:')) byEndpoint[field.slice('endpoint:'.length)] = Number(value);
      }
      const until = await blockedUntil();
      return {
        month,
        total: Number(hash.total ?? 0),
        byEndpoint,
        limit: options.limit,
        reserve: options.reserve,
        budget: budgetFor(false),
        ...(until !== undefined ? { blockedUntil: until } : {}),
      };
    },
    blockedUntil,
    async blockUntil(untilMs) {
      const ttl = Math.max(1, Math.ceil(untilMs - now()));
      const previous = await redis.set(options.blockedKey, String(untilMs), 'PX', ttl, 'GET');
      return previous !== String(untilMs);
    },
  };
}
