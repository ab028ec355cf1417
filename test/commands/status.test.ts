// `enphase-etl status` against a real Redis: what the registry, the state stores, the quota ledger,
// the plan restrictions and BullMQ hold comes out per system and dataset, failed jobs keep their
// reasons, and 10,000 systems are read in a handful of round trips (a latency proxy makes every
// round trip cost 50 ms: one per system would take minutes).
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { collectStatus } from '../../src/commands/status/collect.js';
import { runStatus } from '../../src/commands/status/index.js';
import { formatStatus } from '../../src/commands/status/render.js';
import type { StatusReport } from '../../src/commands/status/report.js';
import { parseConfig } from '../../src/config.js';
import { createQuotaLedger } from '../../src/state/quota-ledger.js';
import { createPlanRestrictions } from '../../src/state/restrictions.js';
import { openQueues, QUEUE_SYNC } from '../../src/jobs/queues.js';
import { apiKeyId, createKeys } from '../../src/state/keys.js';
import { LastErrorStore } from '../../src/state/last-errors.js';
import { RegistryStore, type RegistryEntry } from '../../src/state/registry.js';
import { UnavailableStore } from '../../src/state/unavailable.js';
import { WatermarkStore } from '../../src/state/watermarks.js';
import { startLatencyProxy } from '../state/latency-proxy.js';
import { startRedis, type RedisHandle } from '../support/services.js';

const NOW = Date.UTC(2026, 10, 28, 6, 0, 0);
const API_KEY = 'status-test-key';

function entry(id: number, timeZone: string, extras: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    id,
    name: `Home ${id}`,
    timeZone,
    operationalAt: 1_600_000_000,
    devices: { micros: ['M1', 'M2'], encharges: [], acbs: [], evChargers: [], meters: [] },
    status: 'normal',
    discoveredAt: NOW - 3_600_000,
    ...extras,
  };
}

describe('status on a real Redis', () => {
  let server: RedisHandle;
  let redis: Redis;
  const keys = () => createKeys(server.prefix);
  const config = () =>
    parseConfig({ REDIS_URL: server.url, ENPHASE_API_KEY: API_KEY, ENPHASE_PLAN: 'watt', DATASETS: '' });

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  describe('a small fleet', () => {
    let report: StatusReport;
    const wm = Math.floor(NOW / 1000) - 26 * 3600; // 26 h behind

    beforeAll(async () => {
      const k = keys();
      await new RegistryStore(redis, k).upsert([
        entry(1, 'Australia/Sydney'),
        entry(2, 'America/Los_Angeles', {
          devices: { micros: ['M1'], encharges: ['E1'], acbs: [], evChargers: [], meters: [] },
          hasBattery: true,
        }),
        entry(3, 'Europe/Berlin'),
      ]);
      const watermarks = new WatermarkStore(redis, k);
      await watermarks.advance(1, 'production_micro', wm);
      await watermarks.advance(2, 'production_micro', wm - 3 * 86_400);
      await watermarks.advance(3, 'energy_daily', wm);
      await new LastErrorStore(redis, k).record(
        2,
        'battery',
        'HTTP 500 from /telemetry/battery\nretrying',
        NOW - 60_000,
      );
      await new UnavailableStore(redis, k).mark(3, 'micro', {
        reason: 'HTTP 401 with a fresh token: not in the watt plan',
        at: NOW - 1_000,
        until: NOW + 86_400_000,
      });
      await redis.hset(k.lastSync(1), 'production_micro', String(NOW - 5 * 60_000));

      const id = apiKeyId(API_KEY);
      const ledger = createQuotaLedger({
        redis,
        ledgerKey: (month) => k.quotaLedger(id, month),
        blockedKey: k.quotaBlockedUntil(id),
        limit: 1_000,
        reserve: 50,
        now: () => NOW,
      });
      for (let i = 0; i < 7; i++) await ledger.record('/api/v4/systems/{system_id}/summary');
      await ledger.blockUntil(NOW + 3_600_000);
      await createPlanRestrictions({
        redis,
        key: k.planRestricted(id),
        recheckMs: 86_400_000,
        now: () => NOW,
      }).remember(
        { endpoint: '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry', systemId: 3 },
        401,
        'not in plan',
      );

      // A sync job that fails for good: the dead-letter view must keep its reason.
      const queues = openQueues(redis, k);
      await queues.sync.add('sync', { systemId: 2 }, { jobId: 'sync-2-test', attempts: 1 });
      await queues.sync.add('sync', { systemId: 1 }, { jobId: 'sync-1-waiting', delay: 3_600_000 });
      const connection = new Redis(server.url, { maxRetriesPerRequest: null });
      const failed = new Promise<void>((resolve) => {
        const worker = new Worker(
          QUEUE_SYNC,
          async () => {
            throw new UnrecoverableError('bad configuration: system 2 has no time zone');
          },
          { connection, prefix: k.bullPrefix, autorun: true },
        );
        worker.on('failed', () => void worker.close().then(resolve));
      });
      await failed;
      connection.disconnect();
      await queues.close();

      report = await collectStatus(redis, k, config(), { limit: 20, now: NOW });
    });

    it('shows each system’s watermarks in its own time, lag, last sync, errors and unavailability', () => {
      expect(report.systems.total).toBe(3);
      const byId = new Map(report.systems.shown.map((s) => [s.id, s]));
      const sydney = byId.get(1)!.datasets.find((d) => d.dataset === 'production_micro')!;
      expect(sydney.watermark).toBe(wm);
      expect(sydney.watermarkLocal).toBe('2026-11-27 15:00 GMT+11');
      expect(sydney.lagSeconds).toBe(26 * 3600);
      expect(sydney.lastSyncAt).toBe(NOW - 5 * 60_000);
      // Datasets that apply but were never loaded are listed too (energy_daily applies to all).
      expect(byId.get(1)!.datasets.find((d) => d.dataset === 'energy_daily')?.watermark).toBeNull();
      const battery = byId.get(2)!.datasets.find((d) => d.dataset === 'battery')!;
      expect(battery.lastError).toEqual({
        message: 'HTTP 500 from /telemetry/battery\nretrying',
        at: NOW - 60_000,
      });
      const micro = byId.get(3)!.datasets.find((d) => d.dataset === 'micro')!;
      expect(micro.unavailable).toMatchObject({
        reason: expect.stringContaining('not in the watt plan'),
        active: true,
      });
    });

    it('orders systems by attention: errors first, then unavailability, then lag', () => {
      expect(report.systems.shown.map((s) => s.id)).toEqual([2, 3, 1]);
    });

    it('reads the quota ledger, the 429 block and the plan restrictions', () => {
      expect(report.quota).toMatchObject({
        month: '2026-11',
        total: 7,
        limit: 1_000,
        reserve: 50,
        budget: 950,
        blocked: true,
      });
      expect(report.restrictedEndpoints).toEqual([
        expect.objectContaining({
          endpoint: '/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry',
          systemId: 3,
          status: 401,
          reason: 'not in plan',
        }),
      ]);
    });

    it('counts the queues and keeps failed jobs with their reasons', () => {
      expect(report.queues.sync).toMatchObject({ failed: 1, delayed: 1 });
      expect(report.queues.discover).toMatchObject({ failed: 0, waiting: 0 });
      expect(report.failedJobs).toEqual([
        expect.objectContaining({
          queue: 'sync',
          id: 'sync-2-test',
          systemId: 2,
          reason: 'bad configuration: system 2 has no time zone',
          attempts: 1,
        }),
      ]);
    });

    it('prints a readable table', () => {
      const text = formatStatus(report).join('\n');
      expect(text).toMatch(
        /Quota 2026-11 \(watt plan\): 7 requests used of a budget of 950 \(1,000 − 50 reserve\); BLOCKED by a 429 until/,
      );
      expect(text).toMatch(
        /Queues: discover 0 waiting, 0 active, 0 delayed, 0 failed \| sync 0 waiting, 0 active, 1 delayed, 1 failed/,
      );
      expect(text).toMatch(/System 1 "Home 1" \(Australia\/Sydney\), status normal/);
      expect(text).toMatch(/ {2}production_micro +2026-11-27 15:00 GMT\+11 +1d 2h +5m ago/);
      expect(text).toMatch(
        / {2}battery +never loaded .*error 1m ago: HTTP 500 from \/telemetry\/battery retrying/,
      );
      expect(text).toMatch(/micro .*unavailable until .*: HTTP 401 with a fresh token/);
      expect(text).toMatch(
        /Failed jobs \(dead letters, newest first\):\n.*\n {2}sync +sync-2-test +system 2 +1 attempt .*bad configuration/,
      );
    });

    it('--system narrows, --limit cuts and says how many more', () => {
      const lines: string[] = [];
      // runStatus reads the default key prefix; collectStatus is what it runs, on our prefix here.
      return collectStatus(redis, keys(), config(), { systemIds: [3, 999], limit: 20, now: NOW }).then(
        async (only) => {
          expect(only.systems.shown.map((s) => s.id)).toEqual([3]);
          const cut = await collectStatus(redis, keys(), config(), { limit: 1, now: NOW });
          lines.push(...formatStatus(cut));
          expect(cut.systems.shown.map((s) => s.id)).toEqual([2]);
          expect(lines.join('\n')).toMatch(/… 2 more systems/);
        },
      );
    });
  });

  it('without Redis it says so (exit 2 through ConfigError)', async () => {
    const bad = parseConfig({ REDIS_URL: 'redis://127.0.0.1:1', ENPHASE_API_KEY: API_KEY });
    await expect(runStatus(bad, {}, () => undefined)).rejects.toThrow(/cannot reach Redis at REDIS_URL/);
  });

  it('reads 10,000 systems in a few round trips', async () => {
    const k = createKeys(`${server.prefix}:fleet`);
    const registry = new RegistryStore(redis, k);
    const ids = Array.from({ length: 10_000 }, (_, i) => 100_000 + i);
    for (let i = 0; i < ids.length; i += 1_000) {
      await registry.upsert(ids.slice(i, i + 1_000).map((id) => entry(id, 'America/New_York')));
      const pipeline = redis.pipeline();
      for (const id of ids.slice(i, i + 1_000))
        pipeline.hset(k.watermarks(id), 'production_micro', String(1_764_000_000 + id));
      await pipeline.exec();
    }
    const proxy = await startLatencyProxy(Number(new URL(server.url).port), 50);
    const slow = new Redis({ host: '127.0.0.1', port: proxy.port });
    try {
      const started = Date.now();
      const report = await collectStatus(slow, k, config(), { limit: Infinity, now: NOW });
      const elapsed = Date.now() - started;
      expect(report.systems.total).toBe(10_000);
      const one = report.systems.shown.find((s) => s.id === 100_042)!;
      expect(one.datasets.find((d) => d.dataset === 'production_micro')?.watermark).toBe(
        1_764_000_000 + 100_042,
      );
      // One round trip per system would be 10,000 × 50 ms = 500 s.
      expect(elapsed).toBeLessThan(40_000);
    } finally {
      slow.disconnect();
      await proxy.stop();
    }
  }, 90_000);
});
