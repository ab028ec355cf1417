// The resolution order of DESIGN §5: a URL from the environment wins; with nothing found, the
// error says how to get the service. (jest gives each test file its own copy of process.env.)
import { Redis } from 'ioredis';
import { startInfluxV1, startRedis, startVictoriaMetrics } from './services.js';

async function withEnv<T>(changes: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  Object.assign(process.env, changes);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('a URL from the environment', () => {
  it('TEST_REDIS_URL: used as given (with its /db), kill() refuses, stop() removes only its own keys', async () => {
    const server = await startRedis();
    const direct = new Redis(`${server.url}/3`, { maxRetriesPerRequest: 1 });
    try {
      const external = await withEnv({ TEST_REDIS_URL: `${server.url}/3/` }, () => startRedis());
      expect(external.url).toBe(`${server.url}/3`);
      expect(external.prefix).not.toBe(server.prefix);
      await expect(external.kill()).rejects.toThrow(/TEST_REDIS_URL/);
      await expect(external.start()).rejects.toThrow(/TEST_REDIS_URL/);

      await direct.set(`${external.prefix}:a`, '1');
      await direct.set(`${external.prefix}:b`, '2');
      await direct.set(`${server.prefix}:other`, '3');
      await external.stop();
      expect(await direct.keys('*')).toEqual([`${server.prefix}:other`]);
    } finally {
      direct.disconnect();
      await server.stop();
    }
  });

  it('TEST_INFLUX_V1_URL: creates a fresh database there and drops it on stop()', async () => {
    const server = await startInfluxV1();
    try {
      const external = await withEnv({ TEST_INFLUX_V1_URL: server.url }, () => startInfluxV1());
      expect(external.url).toBe(server.url);
      expect(external.database).not.toBe(server.database);
      const databases = async (): Promise<unknown[]> =>
        (await server.query('SHOW DATABASES')).flatMap((series) => series.values.map((row) => row[0]));
      expect(await databases()).toContain(external.database);
      await expect(external.kill()).rejects.toThrow(/TEST_INFLUX_V1_URL/);

      await external.stop();
      expect(await databases()).not.toContain(external.database);
      expect(await databases()).toContain(server.database);
    } finally {
      await server.stop();
    }
  });

  it('TEST_VICTORIA_METRICS_URL: used as given, stop() leaves the server running', async () => {
    const server = await startVictoriaMetrics();
    try {
      const external = await withEnv({ TEST_VICTORIA_METRICS_URL: server.url }, () => startVictoriaMetrics());
      expect(external.url).toBe(server.url);
      await expect(external.kill()).rejects.toThrow(/TEST_VICTORIA_METRICS_URL/);
      await external.stop();
      expect((await fetch(`${server.url}/health`)).ok).toBe(true);
      expect(await external.exportSeries('{__name__="nothing_written_here"}')).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('no service anywhere', () => {
  // An empty PATH hides the local binaries; TEST_NO_CONTAINERS keeps a container runtime out of it.
  const nowhere = { PATH: '/nonexistent', TEST_NO_CONTAINERS: '1' };
  const howToGetIt = /apt-get install -y redis-server influxdb victoria-metrics/;

  it.each([
    ['Redis', startRedis, 'TEST_REDIS_URL', 'redis-server'],
    ['InfluxDB 1.x', startInfluxV1, 'TEST_INFLUX_V1_URL', 'influxd'],
    ['VictoriaMetrics', startVictoriaMetrics, 'TEST_VICTORIA_METRICS_URL', 'victoria-metrics'],
  ] as const)(
    '%s: fails with a message naming the apt command, the variable and the binary',
    async (_name, start, variable, binary) => {
      const failure = withEnv(nowhere, () => (start as () => Promise<unknown>)());
      await expect(failure).rejects.toThrow(howToGetIt);
      await expect(failure).rejects.toThrow(variable);
      await expect(failure).rejects.toThrow(`\`${binary}\``);
    },
  );
});
