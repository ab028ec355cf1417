// Endpoints that answered "not for you" (DESIGN §3 "Plan-restricted endpoints", "Permanent
// answers"): a 403 or a 401 again with a fresh token (the plan), or a 501/400/404/422 (an answer
// no retry changes). Remembered in Redis per API key, **system** and endpoint template — one
// system's refusal never blanks another system — so every process skips them without spending a
// request, and each is asked once more after `recheckMs` (the plan may have been upgraded, the
// endpoint implemented). Calls without a system (the systems list) are remembered per key.
//
// No plan-wide restriction is inferred from several systems' refusals: a system is skipped only
// for what it answered itself (docs/enphase-client.md).
import type { Redis } from 'ioredis';

export interface Restriction {
  /** Epoch ms until which the endpoint is not asked again for this system. */
  until: number;
  status: number;
  reason: string;
  at: number;
}

/** What a restriction belongs to: an endpoint template, for one system or (none) the whole key. */
export interface RestrictionScope {
  endpoint: string;
  systemId?: number | string;
}

export interface PlanRestrictions {
  /** The hash (keys.planRestricted(apiKeyId)), for the request gate's script (RESTRICTION_LUA). */
  readonly key: string;
  /** The restriction in force for this endpoint and system, if any. */
  check(scope: RestrictionScope): Promise<Restriction | undefined>;
  remember(scope: RestrictionScope, status: number, reason: string): Promise<Restriction>;
  /** Every restriction in force (for `status`), systems' own first by id. */
  list(): Promise<Array<Restriction & RestrictionScope>>;
}

const KEY_WIDE = '*';

/**
 * The check in Lua, for the request gate's script (src/enphase/gate.ts), which runs it before the
 * limiter and the ledger in the same round trip: `restriction_in_force(hash, field, now ms)` is
 * the stored JSON when a restriction is in force (its `until` later than now), else nil — the
 * same rule as parseRestriction below (JSON that does not parse, or lacks a numeric `until`, is
 * no restriction).
 */
export const RESTRICTION_LUA = `
local function restriction_in_force(hash, field, now)
  local raw = redis.call('HGET', hash, field)
  if not raw then return nil end
  local ok, r = pcall(cjson.decode, raw)
  if ok and type(r) == 'table' and type(r['until']) == 'number' and r['until'] > now then return raw end
  return nil
end
`;

/** A stored restriction, if it is one and still in force at `nowMs`. */
export function parseRestriction(raw: string | null | undefined, nowMs: number): Restriction | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw) as Restriction;
    return typeof r.until === 'number' && r.until > nowMs ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The hash field of a scope: `<system id>|<endpoint>`, or `*|<endpoint>` for a key-wide call. */
export function restrictionField(scope: RestrictionScope): string {
  return `${scope.systemId ?? KEY_WIDE}|${scope.endpoint}`;
}

/** The scope of a hash field; undefined for anything else (fields of the older per-key layout). */
export function parseRestrictionField(field: string): RestrictionScope | undefined {
  const bar = field.indexOf('|');
  if (bar <= 0) return undefined;
  const system = field.slice(0, bar);
  const endpoint = field.slice(bar + 1);
  if (!endpoint.startsWith('/')) return undefined;
  if (system === KEY_WIDE) return { endpoint };
  return /^\d+$/.test(system) ? { endpoint, systemId: Number(system) } : { endpoint, systemId: system };
}

export function createPlanRestrictions(options: {
  redis: Redis;
  /** keys.planRestricted(apiKeyId) */
  key: string;
  recheckMs: number;
  now?: () => number;
}): PlanRestrictions {
  const now = options.now ?? Date.now;
  const parse = (raw: string | null | undefined): Restriction | undefined => parseRestriction(raw, now());
  return {
    key: options.key,
    async check(scope) {
      return parse(await options.redis.hget(options.key, restrictionField(scope)));
    },
    async remember(scope, status, reason) {
      const at = now();
      const restriction: Restriction = { until: at + options.recheckMs, status, reason, at };
      await options.redis.hset(options.key, restrictionField(scope), JSON.stringify(restriction));
      return restriction;
    },
    async list() {
      const all = await options.redis.hgetall(options.key);
      const live: Array<Restriction & RestrictionScope> = [];
      for (const [field, raw] of Object.entries(all)) {
        const scope = parseRestrictionField(field);
        const r = scope && parse(raw);
        if (scope && r) live.push({ ...scope, ...r });
      }
      return live.sort(
        (a, b) =>
          String(a.systemId ?? '').localeCompare(String(b.systemId ?? ''), 'en', { numeric: true }) ||
          a.endpoint.localeCompare(b.endpoint),
      );
    },
  };
}
