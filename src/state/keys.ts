// Every Redis key the service uses, built in one place so the layout reads in one screen
// (docs/state.md explains each). Keys live under `<prefix>:v1:`; a future layout change bumps the
// version and migrates, instead of reinterpreting old keys.
import { createHash } from 'node:crypto';

export const KEY_LAYOUT_VERSION = 'v1';
export const DEFAULT_KEY_PREFIX = 'enphase-etl';

/**
 * Limits, quota and tokens belong to an API key, but the key itself is a secret: Redis keys carry
 * a short digest of it instead, so `redis-cli keys '*'` never shows a credential.
 */
export function apiKeyId(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

export type RedisKeys = ReturnType<typeof createKeys>;

export function createKeys(prefix: string = DEFAULT_KEY_PREFIX) {
  const root = `${prefix}:${KEY_LAYOUT_VERSION}`;
  return {
    root,
    /** BullMQ's own prefix for queues; BullMQ builds the rest of its keys below it. */
    bullPrefix: `${root}:bull`,

    // enphase/: per API key (see apiKeyId)
    /** hash: the current token pair and its expiry times. */
    tokens: (keyId: string) => `${root}:auth:${keyId}:tokens`,
    /** string with TTL: the single-flight refresh lock. */
    tokenRefreshLock: (keyId: string) => `${root}:auth:${keyId}:refresh-lock`,
    /** sorted set: the rate window's requests, scored with their deadline (in flight) or answer time. */
    rateWindow: (keyId: string) => `${root}:limit:${keyId}:window`,
    /** hash: requests sent in one calendar month (UTC), by endpoint and in total. */
    quotaLedger: (keyId: string, month: string) => `${root}:quota:${keyId}:${month}`,
    /** string: epoch ms until which the API said the period's quota is spent (a 429). */
    quotaBlockedUntil: (keyId: string) => `${root}:quota:${keyId}:blocked-until`,
    /** hash: endpoint → JSON {until, reason} of plan restrictions seen (401/403 on a fresh token). */
    planRestricted: (keyId: string) => `${root}:restricted:${keyId}`,

    // state/: per system
    /** hash: dataset → watermark (epoch seconds, end of the last loaded and settled interval). */
    watermarks: (systemId: string | number) => `${root}:wm:${systemId}`,
    /** hash: dataset → JSON {reason, at, until} for datasets the plan does not include. */
    unavailable: (systemId: string | number) => `${root}:unavailable:${systemId}`,
    /** hash: dataset → JSON {message, at} of the last failure. */
    lastErrors: (systemId: string | number) => `${root}:errors:${systemId}`,
    /**
     * hash with TTL: `<dataset>|<reason>` → implausible points left out, with `since` and `last`
     * (epoch ms); expires a day after the last one (src/state/implausible.ts).
     */
    implausible: (systemId: string | number) => `${root}:implausible:${systemId}`,
    /** hash: system id → JSON of the registry entry (name, time zone, operational date, …). */
    registry: `${root}:systems`,
    /** hash: system id → JSON {kind, reason, since, checkedAt, …} of systems discovery could not use. */
    systemProblems: `${root}:system-problems`,

    // jobs/: orchestration
    /** hash: dataset → epoch ms of the last sync attempt (which datasets a round finds due). */
    lastSync: (systemId: string | number) => `${root}:synced:${systemId}`,
    /** hash: dataset → epoch s from which data is loaded contiguously up to the watermark. */
    floors: (systemId: string | number) => `${root}:floor:${systemId}`,
    /** string with TTL: the worker syncing this system (no system is synced by two jobs at once). */
    systemLock: (systemId: string | number) => `${root}:lock:system:${systemId}`,
  };
}
