// The token manager (DESIGN §3 "Tokens", "401 means two things", "Token precedence").
//
// - The current pair lives in Redis (state/tokens.ts); the environment's pair is imported when
//   Redis has none or the environment's refresh token changed since it was last imported.
// - Access tokens are refreshed shortly before they expire (from `expires_in`, never assumed) and
//   once after a 401.
// - Refreshing is single-flight across processes: a Redis lock (SET NX PX) lets one process call
//   the token endpoint; the others wait and re-read the pair. Every process remembers which access
//   token it saw fail, so a waiter that finds a different, fresh token in Redis uses it instead of
//   refreshing again. Refresh tokens rotate, so two refreshes would revoke each other's pair.
// - A refused refresh token is remembered in Redis: every process then fails fast with an
//   AuthError that says to run `enphase-etl auth`, instead of asking the API again and again.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { ApiError, AuthError, REAUTHORISE_HINT } from './errors/index.js';
import { GrantRejectedError, refreshGrant, type OAuthClientConfig, type TokenGrant } from './oauth.js';
import { sleep as defaultSleep, type Sleep } from './sleep.js';
import { createTokenStore, type PairSource, type StoredPair, type TokenStore } from '../state/tokens.js';

export interface TokenManagerOptions {
  redis: Redis;
  /** keys.tokens(apiKeyId) */
  tokensKey: string;
  /** keys.tokenRefreshLock(apiKeyId) */
  lockKey: string;
  oauth: OAuthClientConfig;
  /** The environment's pair (config.enphase.accessToken / refreshToken). */
  env?: { accessToken?: string; refreshToken?: string };
  logger?: Logger;
  now?: () => number;
  sleep?: Sleep;
  /** How long a refresh may hold the lock (ms); it is released as soon as the pair is stored. */
  lockTtlMs?: number;
  /** How long a process waits for another's refresh before giving up (ms). */
  waitTimeoutMs?: number;
  /** Injected for tests; defaults to the real token endpoint call. */
  refresh?: (config: OAuthClientConfig, refreshToken: string) => Promise<TokenGrant>;
}

export interface TokenManager {
  /** A usable access token, refreshed first when it is about to expire. */
  accessToken(signal?: AbortSignal): Promise<string>;
  /** True when accessToken() would answer from memory: no Redis, no refresh. */
  hasUsableToken(): boolean;
  /** After a 401 with `rejectedToken`: a new access token (refreshed once, whoever does it). */
  renewAfter401(rejectedToken: string, signal?: AbortSignal): Promise<string>;
  /** Refreshes now, whatever the expiry (`enphase-etl auth refresh`). */
  refreshNow(): Promise<StoredPair>;
  /** Stores a pair obtained by code exchange, and marks the environment's pair as seen. */
  storeExchanged(grant: TokenGrant): Promise<void>;
  /** The pair as stored (for `status`; never log its tokens). */
  stored(): Promise<StoredPair | undefined>;
}

/** Refresh this long before expiry: a tenth of the lifetime, at most 5 minutes. */
export function refreshMarginMs(expiresInSec: number | undefined): number {
  return expiresInSec === undefined ? 300_000 : Math.min(300_000, expiresInSec * 100);
}

/** True when the access token should be refreshed before it is used. */
export function isDueForRefresh(pair: StoredPair, nowMs: number): boolean {
  if (!pair.accessToken) return true;
  // Unknown expiry (imported from the environment): used until the API answers 401.
  if (pair.expiresAt === undefined) return false;
  return nowMs >= pair.expiresAt - refreshMarginMs(pair.expiresIn);
}

// Deletes the lock only if this process still owns it (it may have expired and been taken).
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type RedisWithRelease = Redis & { enphaseReleaseLock(key: string, owner: string): Promise<number> };

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const lockTtlMs = options.lockTtlMs ?? 30_000;
  const waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
  const doRefresh = options.refresh ?? refreshGrant;
  const log = options.logger;
  const store: TokenStore = createTokenStore(options.redis, options.tokensKey);
  const redis = options.redis as RedisWithRelease;
  if (typeof redis.enphaseReleaseLock !== 'function') {
    redis.defineCommand('enphaseReleaseLock', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }

  let current: StoredPair | undefined;
  let loaded = false;
  let inflight: Promise<StoredPair> | undefined;
  let rejectionLogged = false;

  const rejectedError = (pair: StoredPair): AuthError => {
    if (!rejectionLogged) {
      rejectionLogged = true;
      log?.error(
        {
          reason: pair.rejected?.reason,
          since: pair.rejected ? new Date(pair.rejected.at).toISOString() : undefined,
        },
        'the Enphase refresh token was refused; no more requests until it is renewed with `enphase-etl auth`',
      );
    }
    return new AuthError(
      `the stored Enphase refresh token was refused (${pair.rejected?.reason ?? 'refused'}); ${REAUTHORISE_HINT}`,
    );
  };

  const load = async (): Promise<StoredPair> => {
    if (!loaded) {
      const envRefresh = options.env?.refreshToken;
      if (envRefresh) {
        const imported = await store.importEnv(
          {
            refreshToken: envRefresh,
            ...(options.env?.accessToken ? { accessToken: options.env.accessToken } : {}),
          },
          now(),
        );
        if (imported) log?.info('imported the token pair from the environment into Redis');
      }
      loaded = true;
    }
    const pair = await store.read();
    if (!pair) {
      throw new AuthError(`no Enphase token pair in Redis or in the environment; ${REAUTHORISE_HINT}`);
    }
    return pair;
  };

  /** One refresh for every process: the lock holder calls the API, the others re-read the pair. */
  const refreshShared = async (
    seen: string | undefined,
    force: boolean,
    signal?: AbortSignal,
  ): Promise<StoredPair> => {
    const deadline = now() + waitTimeoutMs;
    const owner = randomBytes(8).toString('hex');
    const fresh = (pair: StoredPair): boolean =>
      !force && pair.accessToken !== '' && pair.accessToken !== seen && !isDueForRefresh(pair, now());
    for (;;) {
      signal?.throwIfAborted();
      const pair = await load();
      if (pair.rejected) throw rejectedError(pair);
      if (fresh(pair)) return pair;
      const locked = await options.redis.set(options.lockKey, owner, 'PX', lockTtlMs, 'NX');
      if (locked === 'OK') {
        try {
          // Re-read under the lock: the previous holder may have stored a pair just now.
          const latest = await load();
          if (latest.rejected) throw rejectedError(latest);
          if (fresh(latest)) return latest;
          let grant: TokenGrant;
          try {
            grant = await doRefresh(options.oauth, latest.refreshToken);
          } catch (error) {
            if (error instanceof GrantRejectedError) {
              // The hint is added once, by rejectedError: the reason is Enphase's answer alone.
              const reason = error.message.replace(`; ${REAUTHORISE_HINT}`, '');
              await store.markRejected(latest.refreshToken, reason, now());
              throw rejectedError({ ...latest, rejected: { reason, at: now() } });
            }
            throw error;
          }
          // Stored before it is used: a crash now leaves Redis with the new (valid) pair.
          await store.write(grant, 'refresh', now());
          log?.info({ expiresInSec: grant.expires_in }, 'refreshed the Enphase access token');
          return await load();
        } finally {
          await redis.enphaseReleaseLock(options.lockKey, owner);
        }
      }
      if (now() > deadline) {
        throw new ApiError('gave up waiting for another process to refresh the Enphase token', {
          endpoint: '/oauth/token',
        });
      }
      // Another process is refreshing: wait a moment and read what it stored.
      await sleep(25 + Math.floor(Math.random() * 25), signal);
      force = false;
    }
  };

  const singleFlight = (
    seen: string | undefined,
    force: boolean,
    signal?: AbortSignal,
  ): Promise<StoredPair> => {
    // Callers in this process share one refresh; across processes the Redis lock does the same.
    inflight ??= refreshShared(seen, force, signal).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    async accessToken(signal) {
      if (!current || isDueForRefresh(current, now())) {
        const pair = current ?? (await load());
        if (pair.rejected) throw rejectedError(pair);
        current = isDueForRefresh(pair, now()) ? await singleFlight(pair.accessToken, false, signal) : pair;
      }
      return current.accessToken;
    },
    hasUsableToken: () => current !== undefined && !isDueForRefresh(current, now()),
    async renewAfter401(rejectedToken, signal) {
      current = await singleFlight(rejectedToken, false, signal);
      return current.accessToken;
    },
    async refreshNow() {
      current = await singleFlight(undefined, true);
      return current;
    },
    async storeExchanged(grant) {
      await store.write(grant, 'exchange' as PairSource, now());
      if (options.env?.refreshToken) await store.markEnvSeen(options.env.refreshToken);
      current = undefined;
    },
    stored: () => store.read(),
  };
}
