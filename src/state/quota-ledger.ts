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

// KEYS[1] the month's hash, KEYS[2] the month block. ARGV: budget ('' = none), endpoint, ttl (ms),
// now (ms). Returns {1, total} when counted; {0, total} (nothing counted) when the budget is
// spent; {2, blocked-until} when a 429 for the month is in force. Check and count in one step, so
// two processes cannot both take the last request of the budget (and in one round trip).
const RECORD_SCRIPT = `
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > tonumber(ARGV[4]) then
  return {2, blocked}
end
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if ARGV[1] ~= '' and total >= tonumber(ARGV[1]) then
  return {0, total}
end
total = redis.call('HINCRBY', KEYS[1], 'total', 1)
redis.call('HINCRBY', KEYS[1], 'endpoint:' .. ARGV[2], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, total}
`;

// Ledgers are kept a while after their month, for `status` and comparisons.
const LEDGER_TTL_MS = 400 * 86_400_000;

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
   * (`useReserve` lets it spend the reserve).
   */
  record(endpoint: string, options?: { useReserve?: boolean }): Promise<RecordResult>;
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
      const budget = budgetFor(recordOptions.useReserve ?? false);
      const [status, value] = await redis.enphaseQuotaRecord(
        options.ledgerKey(monthOf(at)),
        options.blockedKey,
        budget === null ? '' : String(budget),
        endpoint,
        LEDGER_TTL_MS,
        at,
      );
      if (status === 1) return { ok: true, total: value };
      if (status === 2) return { ok: false, reason: 'blocked', total: NaN, retryAt: value };
      return { ok: false, reason: 'budget', total: value, retryAt: nextMonthStart(at) };
    },
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
