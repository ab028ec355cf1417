// What goes wrong and what changes: plan restrictions (every dataset on the Watt plan, in line
// with the simulator's plan access), a malformed body (an error naming system, dataset and window;
// nothing of that window yielded), late-reporting devices (the same window extracted twice), and
// SystemInfo from the API's answers.
import { DATASET_NAMES, EXTRACTORS } from '../../src/datasets/index.js';
import { BadResponseError, PlanRestrictedError } from '../../src/enphase/errors/index.js';
import { ExtractError, type ExtractedWindow, type SystemInfo } from '../../src/extractors/index.js';
import { PLAN_RESTRICTED_ROUTES } from '../../src/simulator/plan-access.js';
import { apiRequests, clientFor } from '../enphase/support.js';
import { DAY, ID, byKey, extract, startExtractWorld, type ExtractWorld } from './support.js';

let w: ExtractWorld;
beforeAll(async () => {
  w = await startExtractWorld();
});
afterAll(() => w?.stop());
afterEach(() => {
  w.world.sim.setFaults({});
  w.clock.ms = NOW;
});
let NOW = 0;
beforeAll(() => {
  NOW = w.clock.ms;
});

async function drain(it: AsyncGenerator<ExtractedWindow>): Promise<ExtractedWindow[]> {
  const out: ExtractedWindow[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('on the Watt plan', () => {
  it('device telemetry is a PlanRestrictedError after one request, and is not asked again', async () => {
    const { client } = await clientFor(w.world, {
      env: { ENPHASE_API_KEY: 'sim-key-watt', ENPHASE_PLAN: 'watt', ENPHASE_RATE_PER_MINUTE: '100000' },
    });
    const info = await w.info(ID.la);
    const to = Math.floor(w.now() / 900) * 900;
    w.world.sim.requestLog.clear();
    const error = await drain(EXTRACTORS.micro.extract({ client, now: w.now }, info, to - DAY, to)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanRestrictedError);
    expect(error).toMatchObject({ systemId: ID.la, dataset: 'micro' });
    // The extractor stops at its first call: one device, one window. The client asks that URL
    // twice (a 401, a token refresh, a 401 again), because a 401 is also what an expired token gets.
    const asked = apiRequests(w.world.sim);
    expect(new Set(asked.map((e) => e.url)).size).toBe(1);
    expect(asked[0]!.route).toBe('/api/v4/systems/{system_id}/devices/micros/{serial_no}/telemetry');
    expect(asked.map((e) => e.status)).toEqual([401, 401]);
    // Remembered by the client: a second extract costs nothing.
    w.world.sim.requestLog.clear();
    await expect(
      drain(EXTRACTORS.micro.extract({ client, now: w.now }, info, to - DAY, to)),
    ).rejects.toBeInstanceOf(PlanRestrictedError);
    expect(apiRequests(w.world.sim)).toHaveLength(0);
  });

  it('every dataset declaring watt extracts, every other one is restricted, as the simulator answers', async () => {
    const { client } = await clientFor(w.world, {
      env: { ENPHASE_API_KEY: 'sim-key-watt', ENPHASE_PLAN: 'watt', ENPHASE_RATE_PER_MINUTE: '100000' },
    });
    const info = await w.info(ID.la);
    const to = Math.floor(w.now() / 900) * 900;
    for (const dataset of DATASET_NAMES) {
      const extractor = EXTRACTORS[dataset];
      w.world.sim.requestLog.clear();
      const outcome = await drain(extractor.extract({ client, now: w.now }, info, to - DAY, to)).then(
        () => 'ok',
        (e: unknown) => (e instanceof PlanRestrictedError ? 'restricted' : e),
      );
      expect([dataset, outcome]).toEqual([dataset, extractor.plans.includes('watt') ? 'ok' : 'restricted']);
      // A dataset declaring watt never asks a route the simulator restricts on watt.
      if (extractor.plans.includes('watt')) {
        const restricted = apiRequests(w.world.sim).filter((e) =>
          PLAN_RESTRICTED_ROUTES[e.route]?.includes('watt'),
        );
        expect([dataset, restricted]).toEqual([dataset, []]);
      }
    }
  });
});

describe('a malformed body', () => {
  it('fails its window with an error naming system, dataset and window; earlier windows stand, nothing of it is yielded', async () => {
    const info = await w.info(ID.la);
    const to = Math.floor(w.now() / 900) * 900;
    const from = to - 3 * DAY;
    const it = EXTRACTORS.production_micro.extract({ client: w.client, now: w.now }, info, from, to);
    const first = await it.next();
    expect(first.done).toBe(false);
    expect((first.value as ExtractedWindow).window).toMatchObject({ from, to: from + DAY });
    expect((first.value as ExtractedWindow).points.length).toBeGreaterThan(0);

    w.world.sim.setFaults({
      malformedRate: 1,
      only: ['/api/v4/systems/{system_id}/telemetry/production_micro'],
    });
    w.world.sim.requestLog.clear();
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractError);
    const e = error as ExtractError;
    expect(e).toMatchObject({
      systemId: ID.la,
      dataset: 'production_micro',
      window: { start: from + DAY, end: from + 2 * DAY },
      retryable: false,
    });
    const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
    expect(e.message).toContain(`system ${ID.la}`);
    expect(e.message).toContain('dataset production_micro');
    expect(e.message).toContain(`window ${iso(from + DAY)}..${iso(from + 2 * DAY)}`);
    expect(e.cause).toBeInstanceOf(BadResponseError);
    // Asked again within the client's retry budget (a body that does not parse may have been cut
    // short on its way: maxAttempts of the test policy, 4), then the generator is finished.
    expect(apiRequests(w.world.sim)).toHaveLength(4);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('of one device fails the whole window of a per-device dataset, naming the serial', async () => {
    const info = await w.info(ID.kolkata);
    expect(info.devices.acbs.length).toBeGreaterThan(0);
    const to = Math.floor(w.now() / 900) * 900;
    w.world.sim.setFaults({
      malformedRate: 1,
      only: ['/api/v4/systems/{system_id}/devices/acbs/{serial_no}/telemetry'],
    });
    const yielded: ExtractedWindow[] = [];
    const error = await (async () => {
      for await (const x of EXTRACTORS.battery_device.extract(
        { client: w.client, now: w.now },
        info,
        to - DAY,
        to,
      ))
        yielded.push(x);
    })().catch((e: unknown) => e);
    expect(yielded).toEqual([]);
    expect(error).toBeInstanceOf(ExtractError);
    expect(error).toMatchObject({
      systemId: ID.kolkata,
      dataset: 'battery_device',
      serial: info.devices.acbs[0],
    });
    expect((error as Error).message).toContain(`serial ${info.devices.acbs[0]}`);
  });
});

describe('late-reporting devices', () => {
  it('the same recent window gives fewer devices_reporting first and the final values 13 hours later', async () => {
    const info = await w.info(ID.la);
    const micros = info.devices.micros.length;
    const to = Math.floor(w.now() / 300) * 300;
    const from = to - 3 * 3600;
    const early = await extract(w, 'production_micro', info, from, to);
    w.clock.ms += 13 * 3600 * 1000;
    const late = await extract(w, 'production_micro', info, from, to);

    const lower = early.points.filter((p) => (p.fields.devices_reporting as number) < micros);
    expect(lower.length).toBeGreaterThan(0);
    expect(late.points.every((p) => p.fields.devices_reporting === micros)).toBe(true);
    expect(late.points).toHaveLength((to - from) / 300);
    // Final values are the model's settled truth; the early ones its view at the earlier now.
    for (const p of late.points) {
      const v = w.world.sim.fleet.productionMicro(ID.la, p.time + 300, w.clock.ms)!;
      expect(p.fields).toEqual({ power_w: v.powr, energy_wh: v.enwh, devices_reporting: micros });
    }
    const earlyByTime = new Map(early.points.map((p) => [p.time, p.fields]));
    for (const p of lower) expect(earlyByTime.get(p.time)!.devices_reporting).toBeLessThan(micros);
    // Same identities: reloading the window overwrites the early points in InfluxDB.
    expect([...byKey(early.points).keys()].every((k) => byKey(late.points).has(k))).toBe(true);
  });
});

describe('systemInfoFromApi', () => {
  it.each(Object.entries(ID))('describes %s as the model has it', async (_name, id) => {
    const info: SystemInfo = await w.info(id);
    const p = w.profile(id);
    expect(info).toEqual({
      id,
      name: p.name,
      timeZone: p.place.timezone,
      operationalAt: p.operationalAt,
      devices: {
        micros: p.micros.map((m) => m.serial),
        encharges: p.batteries.filter((b) => b.type === 'encharge').map((b) => b.serial),
        acbs: p.batteries.filter((b) => b.type === 'acb').map((b) => b.serial),
        evChargers: p.evChargerSerials,
        meters: [p.productionMeter, p.consumptionMeter].flatMap((m) => (m ? [m.serial] : [])),
      },
      hasProductionMeter: p.productionMeter !== null,
      hasConsumptionMeter: p.consumptionMeter !== null,
      hasBattery: p.batteries.length > 0,
    });
  });
});
