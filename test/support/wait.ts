// Polling for readiness: servers are ready when they answer, not when their process exists.

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls check() every intervalMs until it resolves true (a rejection counts as false). */
export async function pollUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() >= deadline)
      throw new Error(`${options.what} did not answer within ${options.timeoutMs} ms`);
    await sleep(options.intervalMs ?? 50);
  }
}
