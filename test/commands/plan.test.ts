// `enphase-etl plan`: the budget from the configuration and the registry's real systems (a real
// Redis), or one assumed system when there is no registry, or N systems with --systems; the
// table and the JSON say which.
import { Redis } from 'ioredis';
import { humanDuration } from '../../src/commands/format.js';
import { assumedSystem, buildPlanReport, formatPlanReport, runPlan } from '../../src/commands/plan.js';
import { parseConfig } from '../../src/config.js';
import { EXTRACTORS } from '../../src/datasets/index.js';
import { createKeys } from '../../src/state/keys.js';
import { RegistryStore, type RegistryEntry } from '../../src/state/registry.js';
import { startRedis, type RedisHandle } from '../support/services.js';

const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);

function entry(id: number, micros: number): RegistryEntry {
  return {
    id,
    timeZone: 'Europe/Berlin',
    operationalAt: 1_600_000_000,
    devices: {
      micros: Array.from({ length: micros }, (_, i) => `M${id}-${i}`),
      encharges: [],
      acbs: [],
      evChargers: [],
      meters: [],
    },
    hasProductionMeter: false,
    hasConsumptionMeter: false,
    hasBattery: false,
    discoveredAt: NOW,
  };
}

describe('enphase-etl plan', () => {
  let server: RedisHandle;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('without Redis: assumes one fully equipped system, says why, and the Watt plan fits', async () => {
    const config = parseConfig({ REDIS_URL: 'redis://127.0.0.1:1', ENPHASE_PLAN: 'watt' });
    const lines: string[] = [];
    const report = await runPlan(config, { now: NOW }, (line) => lines.push(line));
    expect(report.systems).toMatchObject({
      kind: 'assumed',
      count: 1,
      why: expect.stringMatching(/Redis is not reachable .*ECONNREFUSED/),
    });
    expect(report.datasets.notInPlan).toEqual(['micro', 'battery_device']);
    expect(report.plan.fits).toBe(true);
    expect(report.plan.projectedMonth).toBeLessThanOrEqual(950);
    const text = lines.join('\n');
    expect(text).toMatch(
      /^Limits \(watt plan\): 10 requests a minute, 1,000 a month, 50 kept in reserve\.$/m,
    );
    expect(text).toMatch(/assuming ONE fully equipped system/);
    expect(text).toMatch(/^dataset +every +hits\/round +rounds\/day +hits\/day +freshness$/m);
    expect(text).toMatch(/^energy_daily +1d +5 +1 +5 +2d$/m);
    expect(text).toMatch(/Projected month \(31 days\): \d+ requests, \d+ % of the budget of 950\./);
    expect(text).toMatch(/Not included in the watt plan \(skipped\): micro, battery_device\./);
  });

  it('with a registry: costs the real systems; --systems asks what if', async () => {
    const keys = createKeys(server.prefix);
    await new RegistryStore(redis, keys).upsert([entry(1, 10), entry(2, 30)]);
    const config = parseConfig({ REDIS_URL: server.url, ENPHASE_PLAN: 'kilowatt' });
    const real = await buildPlanReport(config, { redis, keys, now: NOW });
    expect(real.systems).toEqual({ kind: 'registry', count: 2, sampled: 2 });
    // Only micros: no meter, no battery, no charger datasets; micro telemetry for 40 micros.
    const micro = real.plan.cadences.find((c) => c.dataset === 'micro')!;
    const hits = Object.fromEntries(real.plan.cadences.map((c) => [c.dataset, c.hitsPerRound]));
    expect(hits).toMatchObject({ battery: 0, consumption: 0, ev_charger: 0, battery_device: 0 });
    expect(micro.hitsPerRound % 40).toBe(0);

    const whatIf = await buildPlanReport(config, { redis, keys, systems: 500, now: NOW });
    expect(whatIf.systems).toEqual({ kind: 'what-if', count: 500, sampled: 2, from: 'registry' });
    expect(whatIf.plan.fits ? whatIf.plan.projectedMonth <= 47_500 : whatIf.plan.warnings.length > 0).toBe(
      true,
    );
    // 250 times the systems: the same datasets, never faster.
    for (const c of whatIf.plan.cadences) {
      expect(c.everyMs).toBeGreaterThanOrEqual(
        real.plan.cadences.find((r) => r.dataset === c.dataset)!.everyMs,
      );
    }
    expect(formatPlanReport(whatIf).join('\n')).toMatch(
      /Systems: 500 \(what if, --systems\), like the registry’s\./,
    );
  });

  it('--json is the report, SYNC_INTERVAL warnings included', async () => {
    const config = parseConfig({ REDIS_URL: 'redis://127.0.0.1:1', SYNC_INTERVAL: '15m' });
    const lines: string[] = [];
    await runPlan(config, { json: true, now: NOW }, (line) => lines.push(line));
    const parsed = JSON.parse(lines.join('\n')) as {
      plan: { fits: boolean; warnings: string[] };
      config: { syncIntervalMs: number };
    };
    expect(parsed.config.syncIntervalMs).toBe(900_000);
    expect(parsed.plan.fits).toBe(false);
    expect(parsed.plan.warnings[0]).toMatch(/^SYNC_INTERVAL=15m does not fit/);
  });

  it('assumes a system every dataset applies to (the assumption never flatters the budget)', () => {
    const system = assumedSystem();
    for (const extractor of Object.values(EXTRACTORS)) expect(extractor.appliesTo(system)).toBe(true);
  });

  it('prints durations as people read them', () => {
    expect(humanDuration(86_400_000 + 300_000)).toBe('1d 5m');
    expect(humanDuration(6 * 3_600_000)).toBe('6h');
    expect(humanDuration(30_000)).toBe('30s');
  });
});
