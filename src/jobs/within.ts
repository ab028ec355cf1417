// A wait with a bound: shutdown paths must end even when what they wait for (a Redis that does
// not answer, a worker that does not close) never settles.

/** `promise`'s value, or 'timeout' after `ms` (a later rejection is swallowed: no one waits for it). */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
