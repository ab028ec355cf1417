// InfluxDB dies in the middle of a run and comes back later: every point arrives, and a watermark
// committed after flush() never passes points InfluxDB does not have.
import { Redis } from 'ioredis';
import { createLoader } from '../../src/loaders/index.js';
import { createKeys } from '../../src/state/keys.js';
import { WatermarkStore } from '../../src/state/watermarks.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';
import { capturingLogger, energyOf, influxConfig, productionLines } from './helpers.js';

const FROM = 1_699_920_000; // a UTC midnight
const DAY = 86_400;
const WINDOWS = 30;
const SYSTEM = 601;
const DATASET = 'production_micro';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an InfluxDB outage in the middle of a run', () => {
  let influx: InfluxV1Handle;
  let redisServer: RedisHandle;
  let redis: Redis;

  beforeAll(async () => {
    [influx, redisServer] = await Promise.all([startInfluxV1(), startRedis()]);
    redis = new Redis(redisServer.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([influx?.stop(), redisServer?.stop()]);
  });

  async function pointsBefore(watermark: number): Promise<number> {
    const [series] = await influx.query(
      `SELECT count(energy_wh) FROM production WHERE system_id = '${SYSTEM}' AND time < ${watermark}s`,
    );
    return Number(series?.values[0]?.[1] ?? 0);
  }

  it('loses nothing, and the watermark waits for the points', async () => {
    const watermarks = new WatermarkStore(redis, createKeys(redisServer.prefix));
    const log = capturingLogger();
    const loader = createLoader(
      influxConfig({ api: 'v1', url: influx.url, database: influx.database }),
      { batchSize: 100, flushIntervalMs: 50, backoff: { baseMs: 50, capMs: 250 } },
      log.logger,
    );

    // The sync pipeline in miniature: one day-window at a time, watermark after flush.
    const run = (async () => {
      for (let w = 0; w < WINDOWS; w++) {
        await loader.write(productionLines(SYSTEM, FROM + w * DAY, 288));
        await loader.flush();
        await watermarks.advance(SYSTEM, DATASET, FROM + (w + 1) * DAY);
      }
    })();

    while (((await watermarks.get(SYSTEM, DATASET)) ?? 0) < FROM + 5 * DAY) await sleep(10);
    await influx.kill();
    const atKill = (await watermarks.get(SYSTEM, DATASET)) as number;
    await sleep(2_000);
    // At most the window in flight at the kill was acknowledged before it; nothing after that.
    const afterOutage = (await watermarks.get(SYSTEM, DATASET)) as number;
    expect(afterOutage - atKill).toBeLessThanOrEqual(DAY);
    expect(loader.stats().retries).toBeGreaterThan(0);

    await influx.start();
    const watermark = (await watermarks.get(SYSTEM, DATASET)) as number;
    expect(await pointsBefore(watermark)).toBe(((watermark - FROM) / DAY) * 288);

    await run;
    await loader.close();
    expect(await watermarks.get(SYSTEM, DATASET)).toBe(FROM + WINDOWS * DAY);
    const [series] = await influx.query(`SELECT energy_wh FROM production WHERE system_id = '${SYSTEM}'`);
    expect(series?.values).toEqual(
      Array.from({ length: WINDOWS * 288 }, (_, i) => [FROM + i * 300, energyOf(SYSTEM, FROM + i * 300)]),
    );
    expect(loader.stats()).toMatchObject({ delivered: WINDOWS * 288, dropped: 0 });
    expect(log.entries.some((e) => e.msg === 'InfluxDB write succeeded after retries')).toBe(true);
  }, 120_000);
});
