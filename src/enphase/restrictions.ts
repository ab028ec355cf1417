// Endpoints the API plan does not include (DESIGN §3 "Plan-restricted endpoints"): a 403, or a 401
// again with a fresh token. Remembered per API key and endpoint template in Redis for a while, so
// every process skips them without spending a request, and they are tried again after `recheckMs`
// (the plan may have been upgraded).
import type { Redis } from 'ioredis';

export interface Restriction {
  /** Epoch ms until which the endpoint is not asked again. */
  until: number;
  status: number;
  reason: string;
  at: number;
}

export interface PlanRestrictions {
  /** The restriction in force for this endpoint, if any. */
  check(endpoint: string): Promise<Restriction | undefined>;
  remember(endpoint: string, status: number, reason: string): Promise<Restriction>;
  /** Every restriction in force (for `status`). */
  list(): Promise<Record<string, Restriction>>;
}

export function createPlanRestrictions(options: {
  redis: Redis;
  /** keys.planRestricted(apiKeyId) */
  key: string;
  recheckMs: number;
  now?: () => number;
}): PlanRestrictions {
  const now = options.now ?? Date.now;
  const parse = (raw: string | null | undefined): Restriction | undefined => {
    if (!raw) return undefined;
    try {
      const r = JSON.parse(raw) as Restriction;
      return typeof r.until === 'number' && r.until > now() ? r : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    async check(endpoint) {
      return parse(await options.redis.hget(options.key, endpoint));
    },
    async remember(endpoint, status, reason) {
      const at = now();
      const restriction: Restriction = { until: at + options.recheckMs, status, reason, at };
      await options.redis.hset(options.key, endpoint, JSON.stringify(restriction));
      return restriction;
    },
    async list() {
      const all = await options.redis.hgetall(options.key);
      const live: Record<string, Restriction> = {};
      for (const [endpoint, raw] of Object.entries(all)) {
        const r = parse(raw);
        if (r) live[endpoint] = r;
      }
      return live;
    },
  };
}
