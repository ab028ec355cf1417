// /metrics and /healthz listen where METRICS_HOST says: this machine only by default, every
// interface when a container asks for it (docker-compose sets 0.0.0.0).
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { startService } from '../src/service.js';
import { startRedis, type RedisHandle } from './support/services.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

it.each([
  [{}, '127.0.0.1'],
  [{ METRICS_HOST: '0.0.0.0' }, '0.0.0.0'],
])('with %j the metrics server listens on %s', async (env, address) => {
  const config = parseConfig({
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    ENPHASE_API_KEY: 'metrics-host-test',
    METRICS_PORT: '0',
    ...env,
  });
  const service = await startService(config, {
    logger: createLogger({ level: 'silent' }),
    worker: false,
    scheduler: false,
  });
  try {
    const server = service.metricsServer!;
    expect(server.host).toBe(address);
    // Healthy once the runtime's Redis connection is ready (503 while it connects).
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`http://127.0.0.1:${server.port}/healthz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  } finally {
    await service.stop();
  }
});
