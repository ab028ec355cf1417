// One job at a time per system, across queues and processes: a Redis lock with a TTL (a killed
// worker's lock expires by itself), renewed while the job runs, released only by its holder.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Another job holds the system: retryable (the job is tried again after a backoff). */
export class SystemBusyError extends Error {
  override name = 'SystemBusyError';
  readonly retryable = true;
}

export interface SystemLockOptions {
  ttlMs: number;
  /** How long to wait for a held lock before giving up with SystemBusyError. */
  waitMs: number;
  pollMs?: number;
}

export const DEFAULT_SYSTEM_LOCK: SystemLockOptions = { ttlMs: 60_000, waitMs: 30_000, pollMs: 250 };

export interface HeldLock {
  release(): Promise<void>;
}

export async function acquireSystemLock(
  redis: Redis,
  key: string,
  options: SystemLockOptions = DEFAULT_SYSTEM_LOCK,
  signal?: AbortSignal,
): Promise<HeldLock> {
  const token = randomUUID();
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const ok = await redis.set(key, token, 'PX', options.ttlMs, 'NX');
    if (ok === 'OK') break;
    if (Date.now() >= deadline || signal?.aborted)
      throw new SystemBusyError(`${key}: another job is syncing this system`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
  const timer = setInterval(
    () => {
      redis.eval(RENEW, 1, key, token, String(options.ttlMs)).catch(() => undefined);
    },
    Math.max(50, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}
