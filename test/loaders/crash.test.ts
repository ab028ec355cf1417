// kill -9 at random moments: a worker that commits watermarks after flush() leaves InfluxDB with
// every point up to the watermark, and a rerun completes the rest (DESIGN §3).
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createKeys } from '../../src/state/keys.js';
import { WatermarkStore } from '../../src/state/watermarks.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';
import { energyOf } from './helpers.js';
import { tsxArgs } from '../support/node-child.js';

const FROM = 1_699_920_000;
const DAY = 86_400;
const WINDOWS = 120;
const SYSTEM = 701;
const KILLS = 4;
const FIXTURE = join(import.meta.dirname, 'fixtures', 'window-writer.ts');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGKILL of a writing worker at random moments', () => {
  let influx: InfluxV1Handle;
  let redisServer: RedisHandle;
  let redis: Redis;
  let folder: string;

  beforeAll(async () => {
    [influx, redisServer] = await Promise.all([startInfluxV1(), startRedis()]);
    redis = new Redis(redisServer.url);
    folder = mkdtempSync(join(tmpdir(), 'crash-test-'));
  });
  afterAll(async () => {
    redis?.disconnect();
    await Promise.all([influx?.stop(), redisServer?.stop()]);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  function startWorker(run: number) {
    const logFile = join(folder, `worker-${run}.log`);
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, tsxArgs(FIXTURE), {
      env: {
        PATH: process.env.PATH,
        WW_FROM: String(FROM),
        WW_WINDOWS: String(WINDOWS),
        WW_SYSTEM: String(SYSTEM),
        WW_REDIS_URL: redisServer.url,
        WW_PREFIX: redisServer.prefix,
        WW_INFLUX_URL: influx.url,
        WW_DATABASE: influx.database,
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, exited, log: () => readFileSync(logFile, 'utf8') };
  }

  async function pointsBefore(watermark: number): Promise<unknown[][]> {
    const [series] = await influx.query(
      `SELECT energy_wh FROM production WHERE system_id = '${SYSTEM}' AND time < ${watermark}s`,
    );
    return series?.values ?? [];
  }

  const expectedUntil = (end: number) =>
    Array.from({ length: (end - FROM) / 300 }, (_, i) => [FROM + i * 300, energyOf(SYSTEM, FROM + i * 300)]);

  it('keeps every point up to the watermark through each kill, and the rerun completes the rest', async () => {
    const watermarks = new WatermarkStore(redis, createKeys(redisServer.prefix));
    const killedAt: number[] = [];
    for (let run = 0; run < KILLS; run++) {
      const before = (await watermarks.get(SYSTEM, 'production_micro')) ?? FROM;
      const worker = startWorker(run);
      // Kill mid-run: once this run has committed a random number of windows (leaving enough for
      // the kills still to come), then 0–20 ms later, so the kill lands anywhere in a window. A
      // moment chosen by progress, not by time: a fast machine writes all 120 windows in 400 ms.
      const left = (FROM + WINDOWS * DAY - before) / DAY;
      const target = before + DAY * (1 + Math.floor(Math.random() * Math.max(1, left / (KILLS - run + 1))));
      let finished = false;
      void worker.exited.then(() => (finished = true));
      while (!finished && ((await watermarks.get(SYSTEM, 'production_micro')) ?? FROM) < target)
        await sleep(2);
      await sleep(Math.random() * 20);
      worker.child.kill('SIGKILL');
      const exit = await worker.exited;
      if (exit.signal !== 'SIGKILL')
        throw new Error(`worker ended on its own before the kill: ${worker.log()}`);

      const watermark = (await watermarks.get(SYSTEM, 'production_micro')) as number;
      killedAt.push(watermark);
      expect(await pointsBefore(watermark)).toEqual(expectedUntil(watermark));
    }
    expect(killedAt[killedAt.length - 1]).toBeLessThan(FROM + WINDOWS * DAY);

    const last = startWorker(KILLS);
    const exit = await last.exited;
    expect({ ...exit, log: last.log() }).toEqual({ code: 0, signal: null, log: '' });
    expect(await watermarks.get(SYSTEM, 'production_micro')).toBe(FROM + WINDOWS * DAY);
    expect(await pointsBefore(FROM + WINDOWS * DAY + 1)).toEqual(expectedUntil(FROM + WINDOWS * DAY));
    // Five child processes start tsx each: on a loaded 2-core machine that alone can take a minute.
  }, 240_000);
});
