// The devices of a window: the first asked alone, then DEVICE_CONCURRENCY at a time, the points in
// the devices' order whatever order the answers come in, each yielded as soon as its turn comes, no
// device asked far ahead of the one the consumer waits for, and nothing new started after a failure
// or after the consumer stopped.
import { DEVICE_CONCURRENCY, inOrder } from '../../src/extractors/device-series.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function all<R>(results: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of results) out.push(r);
  return out;
}

test('results in the order of the items, the first alone, at most the limit in flight', async () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const results = await all(
    inOrder(items, DEVICE_CONCURRENCY, async (i) => {
      started.push(i);
      if (i === 0) expect(inFlight).toBe(0);
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Later items answer first.
      await tick(i === 0 ? 5 : 20 - i);
      if (i === 0) expect(started).toEqual([0]); // nobody else started while the first was out
      inFlight -= 1;
      return `device ${i}`;
    }),
  );
  expect(results).toEqual(items.map((i) => `device ${i}`));
  expect(most).toBe(DEVICE_CONCURRENCY);
});

test('each result is yielded at its turn, not after the last one', async () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  const finished = new Set<number>();
  const seenWhenYielded: number[] = [];
  for await (const i of inOrder(items, DEVICE_CONCURRENCY, async (i) => {
    await tick(i === 9 ? 200 : 2);
    finished.add(i);
    return i;
  })) {
    if (i === 1) seenWhenYielded.push(...finished);
  }
  // Device 1 came out while device 9 (slow) was still being asked.
  expect(seenWhenYielded).not.toContain(9);
});

test('a consumer that waits holds back the requests: none more than 2 × the limit ahead', async () => {
  const items = Array.from({ length: 40 }, (_, i) => i);
  const started: number[] = [];
  const results = inOrder(items, DEVICE_CONCURRENCY, async (i) => {
    started.push(i);
    await tick(1);
    return i;
  });
  expect(await results.next()).toEqual({ done: false, value: 0 });
  expect(await results.next()).toEqual({ done: false, value: 1 });
  await tick(50); // the consumer is busy elsewhere; answers come in meanwhile
  expect(Math.max(...started)).toBeLessThanOrEqual(1 + 2 * DEVICE_CONCURRENCY);
  expect(started.length).toBeLessThan(items.length);
  // Stopping early: nothing starts after it.
  await results.return(undefined);
  const count = started.length;
  await tick(20);
  expect(started.length).toBe(count);
});

test('a failure rejects at its turn, and no item starts after it', async () => {
  const started: number[] = [];
  const failure = all(
    inOrder(
      Array.from({ length: 20 }, (_, i) => i),
      DEVICE_CONCURRENCY,
      async (i) => {
        started.push(i);
        await tick(2);
        if (i === 3) throw new Error('bad body of device 3');
        return i;
      },
    ),
  );
  await expect(failure).rejects.toThrow('bad body of device 3');
  await tick(20);
  // 0 alone, then 1–4 together; 3 fails while 5+ may have started in the slots of 1, 2 and 4.
  expect(Math.max(...started)).toBeLessThan(3 + DEVICE_CONCURRENCY + 1);
  expect(started.length).toBeLessThan(20);
});

test('the first failing alone costs one request (a plan restriction is refused once)', async () => {
  const started: number[] = [];
  await expect(
    all(
      inOrder([0, 1, 2, 3, 4], DEVICE_CONCURRENCY, async (i) => {
        started.push(i);
        throw new Error('401');
      }),
    ),
  ).rejects.toThrow('401');
  expect(started).toEqual([0]);
});
