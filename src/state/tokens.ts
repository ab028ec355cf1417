// The token pair in Redis (one hash per API key, keys.tokens). Every write of a pair is one
// HSET, so a reader sees the old pair or the new one, never half of each.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TokenGrant } from '../enphase/oauth.js';

export type PairSource = 'env' | 'refresh' | 'exchange';

export interface StoredPair {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms; undefined when unknown (a pair imported from the environment). */
  expiresAt?: number;
  /** Seconds the access token was issued for, as the API said. */
  expiresIn?: number;
  updatedAt: number;
  source: PairSource;
  /** Set when the API refused this pair's refresh token: why, and when. */
  rejected?: { reason: string; at: number };
}

/** Short digest of a secret, to compare tokens without storing or logging them twice. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 24);
}

// KEYS[1] the hash; ARGV: env refresh digest, access token ('' = none), refresh token, now.
// Imports the environment's pair when Redis has none or the environment's refresh token is not
// the one last imported; 1 when it did. Atomic, so a late-starting process cannot overwrite a
// pair another process has already rotated.
const IMPORT_ENV_SCRIPT = `
if redis.call('HGET', KEYS[1], 'env_refresh_digest') == ARGV[1] and redis.call('HEXISTS', KEYS[1], 'refresh_token') == 1 then
  return 0
end
redis.call('HDEL', KEYS[1], 'expires_at', 'expires_in', 'rejected_digest', 'rejected_reason', 'rejected_at')
redis.call('HSET', KEYS[1], 'access_token', ARGV[2], 'refresh_token', ARGV[3], 'updated_at', ARGV[4],
  'source', 'env', 'env_refresh_digest', ARGV[1])
return 1
`;

type RedisWithImport = Redis & {
  enphaseImportEnvPair(
    key: string,
    envDigest: string,
    access: string,
    refresh: string,
    now: number,
  ): Promise<number>;
};

export interface TokenStore {
  read(): Promise<StoredPair | undefined>;
  /** Writes a pair from the API (refresh or code exchange), clearing any rejection. */
  write(grant: TokenGrant, source: PairSource, now: number): Promise<void>;
  importEnv(env: { accessToken?: string; refreshToken: string }, now: number): Promise<boolean>;
  /** Marks the environment's refresh token as seen, so it is not imported over a newer pair. */
  markEnvSeen(refreshToken: string): Promise<void>;
  markRejected(refreshToken: string, reason: string, now: number): Promise<void>;
}

export function createTokenStore(redis: Redis, key: string): TokenStore {
  const r = redis as RedisWithImport;
  if (typeof r.enphaseImportEnvPair !== 'function') {
    r.defineCommand('enphaseImportEnvPair', { numberOfKeys: 1, lua: IMPORT_ENV_SCRIPT });
  }
  return {
    async read() {
      const h = await redis.hgetall(key);
      if (h.refresh_token === undefined) return undefined;
      const expiresAt = h.expires_at ? Number(h.expires_at) : undefined;
      const expiresIn = h.expires_in ? Number(h.expires_in) : undefined;
      const rejected =
        h.rejected_digest !== undefined && h.rejected_digest === digest(h.refresh_token)
          ? { reason: h.rejected_reason ?? 'refused', at: Number(h.rejected_at ?? 0) }
          : undefined;
      return {
        accessToken: h.access_token ?? '',
        refreshToken: h.refresh_token,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(expiresIn !== undefined ? { expiresIn } : {}),
        updatedAt: Number(h.updated_at ?? 0),
        source: (h.source as PairSource | undefined) ?? 'env',
        ...(rejected ? { rejected } : {}),
      };
    },
    async write(grant, source, now) {
      await redis
        .multi()
        .hdel(key, 'rejected_digest', 'rejected_reason', 'rejected_at')
        .hset(key, {
          access_token: grant.access_token,
          refresh_token: grant.refresh_token,
          expires_in: String(grant.expires_in),
          expires_at: String(now + grant.expires_in * 1000),
          updated_at: String(now),
          source,
        })
        .exec();
    },
    async importEnv(env, now) {
      const imported = await r.enphaseImportEnvPair(
        key,
        digest(env.refreshToken),
        env.accessToken ?? '',
        env.refreshToken,
        now,
      );
      return imported === 1;
    },
    async markEnvSeen(refreshToken) {
      await redis.hset(key, 'env_refresh_digest', digest(refreshToken));
    },
    async markRejected(refreshToken, reason, now) {
      await redis.hset(key, {
        rejected_digest: digest(refreshToken),
        rejected_reason: reason,
        rejected_at: String(now),
      });
    },
  };
}
