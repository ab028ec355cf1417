// Every command that writes checks InfluxDB before its first API request (issue 10 §2): the real
// command line in a child process, against a refusing InfluxDB (influxd 1.6 has no /api/v2/write:
// a real 404; the scripted server for 401), one that is down, and one that never answers a write.
// Exit 2 and the loader's one line for a refusal, exit 1 and one line for an InfluxDB that accepts
// nothing within INFLUX_PATIENCE; API hits counted with the simulator's request log.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { createKeys, DEFAULT_KEY_PREFIX } from '../../src/state/keys.js';
import { HIGH_LIMITS } from '../e2e/support.js';
import { startScriptedInflux, type Script, type ScriptedInflux } from '../loaders/scripted-influx.js';
import { simulatorEnv } from '../support/cli-env.js';
import { clockFrom, ORDINARY_INSTANT } from '../support/clock.js';
import { machineEnv, tsxArgs } from '../support/node-child.js';
import { freePorts } from '../support/ports.js';
import { startInfluxV1, startRedis, type InfluxV1Handle, type RedisHandle } from '../support/services.js';

const CLI = new URL('../fixtures/run-cli.ts', import.meta.url).pathname;
const REFUSED_V1 =
  /^enphase-etl: InfluxDB refused the write through v1 \(HTTP 401: authorization failed\); check INFLUX_URL, INFLUX_API and the credentials/;
/**
 * The backfill's range: fixed days before the simulator's fixed clock, so the run asks the same
 * windows on any date and in any machine time zone (the child's own clock is the machine's, later).
 */
const FROM = '2026-06-14';
const TO = '2026-06-15';

let sim: RunningSimulator;
let redis: RedisHandle;
let influx: InfluxV1Handle;
let server: ScriptedInflux | undefined;
beforeAll(async () => {
  [sim, redis, influx] = await Promise.all([
    startSimulator({ systems: 2, seed: 3, limits: HIGH_LIMITS, now: clockFrom(ORDINARY_INSTANT) }),
    startRedis(),
    startInfluxV1(),
  ]);
}, 60_000);
afterEach(async () => {
  server?.release({ status: 204 });
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  await sim?.close();
  await Promise.all([redis?.stop(), influx?.stop()]);
});

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
}

async function run(args: string[], env: Record<string, string>): Promise<Outcome> {
  const simEnv = simulatorEnv(sim, redis);
  const [metricsPort] = await freePorts(1);
  const child = spawn(process.execPath, tsxArgs(CLI, ...args), {
    cwd: tmpdir(), // no .env of the checkout
    env: {
      PATH: process.env.PATH ?? '',
      ...machineEnv(),
      ...simEnv,
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** A v1 endpoint that answers /ping (the demo asks it) and refuses every write. */
const refusingV1: Script = (request) =>
  request.path.startsWith('/ping')
    ? { status: 204 }
    : { status: 401, body: '{"error":"authorization failed"}' };

describe('a refusing InfluxDB: exit 2 with the loader’s line, before any API request', () => {
  it('backfill with INFLUX_API=v2 against a server without /api/v2/write (a real 404)', async () => {
    sim.requestLog.clear();
    const out = await run(['backfill', '--system', 'all', '--from', FROM, '--to', TO], {
      INFLUX_URL: influx.url,
      INFLUX_API: 'v2',
      INFLUX_BUCKET: influx.database,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^enphase-etl: InfluxDB refused the write through v2 \(HTTP 404.*\); check INFLUX_URL/,
    );
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(sim.requestLog.entries()).toEqual([]);
  }, 120_000);

  it.each([['sync'], ['start'], ['worker']])(
    '%s with a wrong password (401)',
    async (command) => {
      server = await startScriptedInflux(refusingV1);
      sim.requestLog.clear();
      const out = await run([command], {
        INFLUX_URL: server.url,
        INFLUX_API: 'v1',
        INFLUX_USERNAME: 'enphase',
        INFLUX_PASSWORD: 'changed-yesterday',
      });
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(REFUSED_V1);
      expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(out.stderr + out.stdout).not.toContain('changed-yesterday');
      expect(sim.requestLog.entries()).toEqual([]);
      expect(server.requests.every((r) => r.lines.length === 0)).toBe(true);
    },
    120_000,
  );

  it('demo: the check comes before its backfill', async () => {
    server = await startScriptedInflux(refusingV1);
    const out = await run(['demo', '--backfill-only', '--systems', '1', '--days', '1'], {
      INFLUX_URL: server.url,
      INFLUX_API: 'v1',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(REFUSED_V1);
    expect(out.stdout).not.toMatch(/^Backfill:/m);
    expect(
      server.requests.filter((r) => r.path.startsWith('/write')).every((r) => r.lines.length === 0),
    ).toBe(true);
  }, 120_000);
});

describe('an InfluxDB that accepts nothing: exit 1 with one line after INFLUX_PATIENCE', () => {
  it('down at start: sync waits the patience, spends no API request', async () => {
    const [port] = await freePorts(1);
    sim.requestLog.clear();
    const started = Date.now();
    const out = await run(['sync'], {
      INFLUX_URL: `http://127.0.0.1:${port}`,
      INFLUX_API: 'v1',
      INFLUX_PATIENCE: '2s',
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      new RegExp(
        `^enphase-etl: InfluxDB at http://127.0.0.1:${port} accepted no write for 2s \\(INFLUX_PATIENCE; last: ECONNREFUSED`,
      ),
    );
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(sim.requestLog.entries()).toEqual([]);
  }, 120_000);

  it('a black hole mid-backfill: the backfill gives up after the patience, nothing committed', async () => {
    // Answers the check (an empty write), then holds every write with lines for ever.
    server = await startScriptedInflux((request) =>
      request.lines.length === 0 ? { status: 204 } : undefined,
    );
    const out = await run(
      ['backfill', '--system', 'all', '--from', FROM, '--to', TO, '--datasets', 'rgm,production_micro'],
      {
        INFLUX_URL: server.url,
        INFLUX_API: 'v1',
        INFLUX_PATIENCE: '2s',
        INFLUX_TIMEOUT: '1s',
      },
    );
    expect(out.code).toBe(1);
    // The progress line may come before it (stderr, every 5 s off a terminal); then the error's one line.
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('enphase-etl:'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      /^enphase-etl: InfluxDB at http:\/\/127\.0\.0\.1:\d+ accepted no write for 2s \(INFLUX_PATIENCE; last: /,
    );
    expect(server.accepted).toEqual([]);
    // The commands run with the default keyspace: no dataset of any system has a watermark.
    const keys = createKeys(DEFAULT_KEY_PREFIX);
    const client = new Redis(redis.url);
    try {
      expect(sim.requestLog.count()).toBeGreaterThan(0); // it did fetch before the writes stalled
      for (const id of sim.fleet.ids()) expect(await client.hgetall(keys.watermarks(id))).toEqual({});
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
