// `enphase-etl demo --backfill-only` end to end: the in-process simulator, a real Redis and a real
// influxd (from REDIS_URL / INFLUX_URL), a one-day backfill of two systems → points in InfluxDB and
// the places to look printed; and, without services or binaries, the exact instructions.
import { Redis } from 'ioredis';
import { DEMO_KEY_PREFIX, runDemo } from '../../src/commands/demo.js';
import { HOW_TO_GET_REDIS, onPath } from '../../src/commands/demo-services.js';
import { openQueues } from '../../src/jobs/queues.js';
import { createKeys } from '../../src/state/keys.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';

const VARIABLES = [
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'INFLUX_URL',
  'INFLUX_API',
  'INFLUX_DATABASE',
  'METRICS_PORT',
  'LOG_LEVEL',
];

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

function withEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('enphase-etl demo', () => {
  let redis: RedisHandle;
  let influx: InfluxV1Handle;

  beforeAll(async () => {
    [redis, influx] = await Promise.all([startRedis(), startInfluxV1()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), influx?.stop()]);
  });

  it('backfills the simulated systems into InfluxDB and says where to look', async () => {
    const restore = withEnv({
      REDIS_URL: redis.url,
      INFLUX_URL: influx.url,
      INFLUX_API: 'v1',
      INFLUX_DATABASE: influx.database,
      LOG_LEVEL: 'error',
    });
    const lines: string[] = [];
    try {
      await runDemo({ systems: 2, days: 1, backfillOnly: true }, (line) => lines.push(line));
    } finally {
      restore();
    }
    const text = lines.join('\n');
    expect(text).toContain(
      `Redis: ${redis.url} (REDIS_URL), keys under ${DEMO_KEY_PREFIX}:v1:* (an earlier demo's cleared); a service's keys there (enphase-etl:v1:*) are not touched.`,
    );
    expect(text).toMatch(/Simulator: http:\/\/127\.0\.0\.1:\d+ with 2 systems/);
    expect(text).toMatch(/backfill: 2\/2 systems loaded, 0 failed, \d+ windows, \d+ points/);
    expect(text).toContain(`curl -sG '${influx.url}/query' --data-urlencode 'db=${influx.database}'`);
    expect(text).toContain(`REDIS_KEY_PREFIX=${DEMO_KEY_PREFIX} ENPHASE_API_URL=`);
    expect(text).toMatch(/ENPHASE_API_KEY=sim-key ENPHASE_PLAN=partner enphase-etl status/);
    // The picture, drawn from InfluxDB with the System dashboard's queries: one line per system.
    const picture = lines.filter((l) => /^ {2}\d+ .*[▁▂▃▄▅▆▇█]+ +(\d+\.\d kWh|–) {2}\(/.test(l));
    expect(picture).toHaveLength(2);
    expect(text).toContain('docker compose up -d');
    expect(text).toContain(`data source InfluxQL at ${influx.url}, database ${influx.database}`);

    const production = await influx.query('SELECT count(energy_wh) FROM production GROUP BY system_id');
    expect(production).toHaveLength(2);
    for (const series of production) expect(Number(series.values[0]?.[1])).toBeGreaterThan(0);
    const measurements = (await influx.query('SHOW MEASUREMENTS')).flatMap((s) => s.values.map((v) => v[0]));
    expect(measurements).toEqual(expect.arrayContaining(['production', 'energy_daily', 'system']));
  }, 120_000);

  it('on a Redis a service shares, writes only its own keyspace and leaves no job schedulers', async () => {
    const client = new Redis(redis.url);
    const demoQueues = openQueues(client, createKeys(DEMO_KEY_PREFIX));
    const restore = withEnv({
      REDIS_URL: redis.url,
      INFLUX_URL: influx.url,
      INFLUX_API: 'v1',
      INFLUX_DATABASE: influx.database,
      METRICS_PORT: '0',
      LOG_LEVEL: 'error',
    });
    try {
      const before = await keysUnder(client, 'enphase-etl');
      let serviceRunning!: () => void;
      const running = new Promise<void>((resolve) => (serviceRunning = resolve));
      const lines: string[] = [];
      const demo = runDemo({ systems: 1, days: 1, backfillOnly: false }, (line) => {
        lines.push(line);
        if (line.startsWith('The service now keeps it up to date')) serviceRunning();
      });
      await Promise.race([running, demo]);
      // The service runs on the demo's schedules, in the demo's keyspace.
      expect((await demoQueues.discover.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
        'discover-daily',
        'sync-round',
      ]);
      process.emit('SIGINT');
      await demo;
      const text = lines.join('\n');
      expect(text).toContain('the demo’s job schedulers are removed');
      // The first test's two systems were cleared with its keyspace: this run loads its one.
      expect(text).toMatch(/backfill: 1\/1 systems loaded, 0 failed/);
      expect(await demoQueues.discover.getJobSchedulers()).toEqual([]);
      // A real service's keyspace on this Redis is as it was: nothing of the demo's there.
      expect(await keysUnder(client, 'enphase-etl')).toEqual(before);
      expect((await keysUnder(client, DEMO_KEY_PREFIX)).length).toBeGreaterThan(0);
    } finally {
      restore();
      await demoQueues.close();
      const leftovers = await keysUnder(client, DEMO_KEY_PREFIX);
      if (leftovers.length > 0) await client.del(...leftovers);
      client.disconnect();
    }
  }, 120_000);

  it('without a reachable Redis nor redis-server on the PATH, says exactly how to get one', async () => {
    const restore = withEnv({ REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'error' });
    try {
      await expect(
        runDemo({ systems: 1, days: 1, backfillOnly: true, path: '/nonexistent' }, () => undefined),
      ).rejects.toThrow(HOW_TO_GET_REDIS);
    } finally {
      restore();
    }
  });

  it('finds binaries on a PATH', () => {
    expect(onPath('sh', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(onPath('sh', '/nonexistent')).toBeUndefined();
  });
});
