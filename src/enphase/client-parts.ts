// The parts every request of a client goes through, built from the configuration unless the
// caller hands in its own (tests, or one shared by several clients): the token manager, the shared
// rate limiter, the monthly ledger and the remembered restrictions, all per API key.
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RedisKeys } from '../state/keys.js';
import { createQuotaLedger, type QuotaLedger } from '../state/quota-ledger.js';
import { createPlanRestrictions, type PlanRestrictions } from '../state/restrictions.js';
import { createTokenManager, type TokenManager } from './auth.js';
import { createRateLimiter, type RateLimiter } from './limiter.js';
import type { Sleep } from './sleep.js';

export interface ClientParts {
  tokens: TokenManager;
  limiter: RateLimiter;
  quota: QuotaLedger;
  restrictions: PlanRestrictions;
}

export interface ClientPartsOptions extends Partial<ClientParts> {
  config: Pick<Config, 'enphase'>;
  redis: Redis;
  keys: RedisKeys;
  /** apiKeyId(config.enphase.apiKey) */
  keyId: string;
  logger?: Logger;
  rateWindowMs?: number;
  rateMarginMs?: number;
  timeoutMs?: number;
  now: () => number;
  sleep: Sleep;
}

export function createClientParts(options: ClientPartsOptions): ClientParts {
  const cfg = options.config.enphase;
  const { redis, keys, keyId, now, sleep } = options;
  const log = options.logger;
  const tokens =
    options.tokens ??
    createTokenManager({
      redis,
      tokensKey: keys.tokens(keyId),
      lockKey: keys.tokenRefreshLock(keyId),
      oauth: {
        apiUrl: cfg.apiUrl,
        ...(cfg.clientId ? { clientId: cfg.clientId } : {}),
        ...(cfg.clientSecret ? { clientSecret: cfg.clientSecret } : {}),
        redirectUri: cfg.redirectUri,
      },
      env: {
        ...(cfg.accessToken ? { accessToken: cfg.accessToken } : {}),
        ...(cfg.refreshToken ? { refreshToken: cfg.refreshToken } : {}),
      },
      ...(log ? { logger: log } : {}),
      now,
      sleep,
    });
  const limiter =
    options.limiter ??
    createRateLimiter({
      redis,
      key: keys.rateWindow(keyId),
      limit: cfg.ratePerMinute,
      windowMs: options.rateWindowMs ?? 60_000,
      ...(options.rateMarginMs !== undefined ? { marginMs: options.rateMarginMs } : {}),
      // An unanswered request counts until its timeout could have fired, plus the moments
      // between admission and sending (a host that stalls the process).
      inFlightMs: (options.timeoutMs ?? 30_000) + 10_000,
      sleep,
    });
  const quota =
    options.quota ??
    createQuotaLedger({
      redis,
      ledgerKey: (month) => keys.quotaLedger(keyId, month),
      blockedKey: keys.quotaBlockedUntil(keyId),
      limit: cfg.quotaPerMonth,
      reserve: cfg.quotaReserve,
      now,
    });
  const restrictions =
    options.restrictions ??
    createPlanRestrictions({
      redis,
      key: keys.planRestricted(keyId),
      recheckMs: cfg.planRestrictionRecheckMs,
      now,
    });
  return { tokens, limiter, quota, restrictions };
}
