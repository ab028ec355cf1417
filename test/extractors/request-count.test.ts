// The pure side: requestCount per dataset (what the budget planner will call), applicability, and
// the plan lists against the simulator's plan access. No services.
import fc from 'fast-check';
import { DATASET_NAMES, EXTRACTORS, type DatasetName } from '../../src/datasets/index.js';
import { PLAN_NAMES } from '../../src/enphase/plans.js';
import type { SystemInfo } from '../../src/extractors/index.js';
import { sessionPages } from '../../src/extractors/ev-charger.js';
import { planWindows } from '../../src/datasets/windows.js';
import { PLAN_RESTRICTED_ROUTES, planAllows } from '../../src/simulator/plan-access.js';

const DAY = 86_400;
const NOW = Date.UTC(2026, 3, 10, 6, 7, 13) / 1000;

function system(overrides: Partial<SystemInfo> = {}): SystemInfo {
  return {
    id: 42,
    timeZone: 'Europe/Berlin',
    operationalAt: NOW - 900 * DAY,
    devices: { micros: ['m1', 'm2', 'm3'], encharges: ['e1', 'e2'], acbs: ['a1'], evChargers: ['ev1'] },
    hasProductionMeter: true,
    hasConsumptionMeter: true,
    hasBattery: true,
    ...overrides,
  };
}

const windows = (dataset: DatasetName, s: SystemInfo, from: number, to: number): number =>
  planWindows({ dataset, from, to, now: NOW, operationalAt: s.operationalAt, timeZone: s.timeZone }).length;

describe('requestCount', () => {
  const s = system();
  const to = Math.floor(NOW / 900) * 900;
  const from = to - 30 * DAY;

  it('counts one request per planned window for site series', () => {
    for (const dataset of ['production_micro', 'grid_import', 'grid_export'] as const)
      expect([dataset, EXTRACTORS[dataset].requestCount(s, from, to, NOW)]).toEqual([dataset, 30]);
    for (const dataset of ['production_meter', 'consumption', 'battery', 'rgm'] as const)
      expect([dataset, EXTRACTORS[dataset].requestCount(s, from, to, NOW)]).toEqual([dataset, 5]);
  });

  it('fans out per device', () => {
    expect(EXTRACTORS.micro.requestCount(s, from, to, NOW)).toBe(30 * 3);
    expect(EXTRACTORS.battery_device.requestCount(s, from, to, NOW)).toBe(5 * 3); // 2 encharges + 1 acb
    // 30 day windows + devices + 1 page of sessions + 1 lifetime request
    expect(EXTRACTORS.ev_charger.requestCount(s, from, to, NOW)).toBe(30 + 1 + 1 + 1);
    const two = system({ devices: { ...s.devices, evChargers: ['ev1', 'ev2'] } });
    expect(EXTRACTORS.ev_charger.requestCount(two, from, to, NOW)).toBe(60 + 1 + 2 * 2);
  });

  it('energy_daily is one window for any range: as many requests as the system has lifetime endpoints', () => {
    expect(EXTRACTORS.energy_daily.requestCount(s, NOW - 700 * DAY, NOW, NOW)).toBe(5);
    expect(EXTRACTORS.energy_daily.requestCount(system({ hasConsumptionMeter: false }), from, to, NOW)).toBe(
      2,
    );
    expect(
      EXTRACTORS.energy_daily.requestCount(
        system({ hasConsumptionMeter: false, hasBattery: false }),
        from,
        to,
        NOW,
      ),
    ).toBe(1);
    // A sync of the last minute still re-fetches the last two local days (late uploads)…
    expect(EXTRACTORS.energy_daily.requestCount(s, NOW - 60, NOW, NOW)).toBe(5);
    // …but a system operational only since today has no final day to ask for.
    expect(
      EXTRACTORS.energy_daily.requestCount(system({ operationalAt: NOW - 60 }), NOW - 60, NOW, NOW),
    ).toBe(0);
  });

  it('snapshots cost their endpoints whatever the range', () => {
    expect(EXTRACTORS.system.requestCount(s, 0, 0, NOW)).toBe(2);
    expect(EXTRACTORS.latest.requestCount(s, from, to, NOW)).toBe(1);
    expect(EXTRACTORS.config.requestCount(s, from, to, NOW)).toBe(4);
    const noEncharge = system({ devices: { ...s.devices, encharges: [] } });
    expect(EXTRACTORS.config.requestCount(noEncharge, from, to, NOW)).toBe(1);
  });

  it('is 0 for a dataset that does not apply', () => {
    const bare = system({
      devices: { micros: [], encharges: [], acbs: [], evChargers: [] },
      hasProductionMeter: false,
      hasConsumptionMeter: false,
      hasBattery: false,
    });
    const none = DATASET_NAMES.filter((d) => !EXTRACTORS[d].appliesTo(bare));
    expect(none.sort()).toEqual(
      [
        'production_micro',
        'production_meter',
        'rgm',
        'consumption',
        'battery',
        'grid_import',
        'grid_export',
        'micro',
        'battery_device',
        'ev_charger',
      ].sort(),
    );
    for (const d of none) expect([d, EXTRACTORS[d].requestCount(bare, from, to, NOW)]).toEqual([d, 0]);
  });

  it('never counts before operational_at or beyond now', () => {
    const young = system({ operationalAt: NOW - 3 * DAY });
    expect(EXTRACTORS.production_micro.requestCount(young, from, to, NOW)).toBe(
      windows('production_micro', young, from, to),
    );
    expect(EXTRACTORS.production_micro.requestCount(young, from, to, NOW)).toBeLessThanOrEqual(4);
    expect(EXTRACTORS.production_micro.requestCount(s, NOW, NOW + 30 * DAY, NOW)).toBe(0);
  });

  it('equals windows × devices and is subadditive over a split range (property)', () => {
    const series = [
      'production_micro',
      'production_meter',
      'rgm',
      'grid_import',
      'micro',
      'battery_device',
      'events',
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...series),
        fc.integer({ min: 0, max: 200 * DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        fc.integer({ min: 0, max: 60 * DAY }),
        (dataset, back, len1, len2) => {
          const a = NOW - back;
          const b = a + len1;
          const c = b + len2;
          const count = (x: number, y: number): number => EXTRACTORS[dataset].requestCount(s, x, y, NOW);
          const fan = dataset === 'micro' ? 3 : dataset === 'battery_device' ? 3 : 1;
          const n = windows(dataset, s, a, c);
          expect(count(a, c)).toBe(dataset === 'events' ? (n === 0 ? 0 : 1 + 3 * n) : n * fan);
          expect(count(a, c)).toBeLessThanOrEqual(count(a, b) + count(b, c));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('EV session pages: at most one session a day, 100 a page', () => {
    expect(sessionPages(NOW - 7 * DAY, NOW)).toBe(1);
    expect(sessionPages(NOW - 98 * DAY, NOW)).toBe(1);
    expect(sessionPages(NOW - 99 * DAY, NOW)).toBe(2);
    expect(sessionPages(NOW - 400 * DAY, NOW)).toBe(5);
  });
});

describe('plans', () => {
  it('every dataset declares the plans the simulator lets read all of its endpoints', () => {
    const deviceRoutes = Object.keys(PLAN_RESTRICTED_ROUTES);
    for (const plan of PLAN_NAMES) {
      const deviceAllowed = deviceRoutes.every((route) => planAllows(plan, route));
      for (const dataset of ['micro', 'battery_device'] as const)
        expect([dataset, plan, EXTRACTORS[dataset].plans.includes(plan)]).toEqual([
          dataset,
          plan,
          deviceAllowed,
        ]);
      for (const dataset of DATASET_NAMES.filter((d) => d !== 'micro' && d !== 'battery_device'))
        expect([dataset, plan, EXTRACTORS[dataset].plans.includes(plan)]).toEqual([dataset, plan, true]);
    }
    expect(EXTRACTORS.micro.plans).not.toContain('watt');
  });

  it('the registry has one extractor per dataset, under its own name', () => {
    expect(Object.keys(EXTRACTORS).sort()).toEqual([...DATASET_NAMES].sort());
    for (const d of DATASET_NAMES) expect(EXTRACTORS[d].dataset).toBe(d);
  });
});
