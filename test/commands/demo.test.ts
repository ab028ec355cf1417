// `enphase-etl demo --backfill-only` end to end: the in-process simulator, a real Redis and a real
// influxd (from REDIS_URL / INFLUX_URL), a one-day backfill of two systems → points in InfluxDB and
// the places to look printed; and, without services or binaries, the exact instructions.
import { HOW_TO_GET_REDIS, onPath, runDemo } from '../../src/commands/demo.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';

const VARIABLES = ['REDIS_URL', 'INFLUX_URL', 'INFLUX_API', 'INFLUX_DATABASE', 'METRICS_PORT', 'LOG_LEVEL'];

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
    expect(text).toContain(`Redis: ${redis.url} (REDIS_URL).`);
    expect(text).toMatch(/Simulator: http:\/\/127\.0\.0\.1:\d+ with 2 systems/);
    expect(text).toMatch(/backfill: 2\/2 systems loaded, 0 failed, \d+ windows, \d+ points/);
    expect(text).toContain(`curl -sG '${influx.url}/query' --data-urlencode 'db=${influx.database}'`);
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
