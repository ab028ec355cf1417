// Table test over the spec's own example responses: every 200 example of every endpoint a
// normalizer reads goes through it without error and yields points that keep the schema's
// invariants; a few are checked point by point.
//
// Oddities of the spec's examples this covers (docs/schema.md lists them too):
// - end_ats off the grid (1384122700 is 100 s past a 5-minute mark, 1000 s past a 15-minute one);
// - intervals far outside the response's own start_at/end_at (2013 intervals in a 2017 window);
// - a micro telemetry interval whose end_at equals the response's start_at;
// - meter_production with zeros before meter_start_date (the meter was not installed yet);
// - the deprecated -1 fields of the systems list and detail; `operational_at: null` in summary;
// - a string percentage (`last_reported_aggregate_soc: "97%"`) beside the intervals;
// - the EV charger operations declare `application/octet-stream` and have no response examples:
//   their bodies are built from the property-level examples of their component schemas.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { NORMALIZERS } from '../../src/datasets/normalizers.js';
import { toLineProtocol, type DataPoint, type NormalizeContext } from '../../src/normalize/index.js';
import { SCHEMA } from '../../src/normalize/schema.js';
import { localDate, localMidnight } from '../../src/normalize/time.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const spec = parse(
  readFileSync(new URL('../../openapi/enphase-v4-openapi.yaml', import.meta.url), 'utf8'),
) as Obj;

function resolve(schema: Obj): Obj {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  let node: Json = spec;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Obj)[part]!;
  return resolve(node as Obj);
}

/** An example body assembled from the `example`s written on a schema and its properties. */
function exampleFromSchema(raw: Obj): Json {
  const schema = resolve(raw);
  if (schema.example !== undefined && schema.type !== 'object') return schema.example;
  if (schema.type === 'array' && schema.items) return [exampleFromSchema(schema.items as Obj)];
  const properties = schema.properties as Obj | undefined;
  if (properties) {
    const out: Obj = {};
    for (const [key, prop] of Object.entries(properties)) {
      const value = exampleFromSchema(prop as Obj);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  return schema.example ?? (undefined as unknown as Json);
}

interface Example {
  operationId: string;
  name: string;
  body: Json;
}

function collectExamples(): Example[] {
  const out: Example[] = [];
  for (const item of Object.values(spec.paths as Obj)) {
    for (const op of Object.values(item as Obj)) {
      const operation = op as Obj;
      const id = operation.operationId as string | undefined;
      if (!id || !(id in NORMALIZERS)) continue;
      const ok = (operation.responses as Obj)['200'] as Obj | undefined;
      const content = (ok?.content ?? {}) as Obj;
      for (const media of Object.values(content)) {
        const m = media as Obj;
        if (m.example !== undefined) out.push({ operationId: id, name: 'example', body: m.example });
        for (const [name, ex] of Object.entries((m.examples ?? {}) as Obj)) {
          out.push({ operationId: id, name, body: (ex as Obj).value! });
        }
        if (m.example === undefined && m.examples === undefined && m.schema) {
          out.push({
            operationId: id,
            name: 'from schema examples',
            body: exampleFromSchema(m.schema as Obj),
          });
        }
      }
    }
  }
  return out;
}

const EXAMPLES = collectExamples();
const ZONE = 'America/Los_Angeles';
const NOW = Date.UTC(2026, 0, 15, 12) / 1000;
const OBSERVED = NOW + 42; // not on a minute: snapshots truncate it

function contextFor(example: Example): NormalizeContext {
  const body = example.body as Obj;
  return {
    systemId: typeof body.system_id === 'number' ? body.system_id : 4242,
    timeZone: ZONE,
    now: NOW,
    observedAt: OBSERVED,
    // The request's serial: a device body's serial_number echoes it.
    serial: typeof body.serial_number === 'string' ? body.serial_number : 'SN-1',
  };
}

function run(example: Example): DataPoint[] {
  const normalize = NORMALIZERS[example.operationId as keyof typeof NORMALIZERS] as (
    body: unknown,
    ctx: NormalizeContext,
  ) => DataPoint[];
  return normalize(example.body, contextFor(example));
}

const GRID: Record<string, number> = {
  production: 300, // micro 5 min; the meter's 15-minute stamps are multiples of it too
  micro: 300,
  rgm: 900,
  rgm_meter: 900,
  consumption: 900,
  battery: 900,
  battery_device: 900,
  grid: 900,
  ev_charger_energy: 900,
};
const DAILY = new Set(['energy_daily', 'ev_charger_daily']);
const SNAPSHOTS = new Set(['system', 'config', 'load_control', 'ev_charger']);

function identity(p: DataPoint): string {
  const tags = Object.keys(p.tags)
    .sort()
    .map((k) => `${k}=${p.tags[k]}`)
    .join(',');
  return `${p.measurement},${tags} ${p.time}`;
}

describe('every 200 example of the spec', () => {
  it('covers every operation a normalizer reads', () => {
    const covered = new Set(EXAMPLES.map((e) => e.operationId));
    expect([...covered].sort()).toEqual(Object.keys(NORMALIZERS).sort());
  });

  it.each(EXAMPLES.map((e) => [`${e.operationId} (${e.name})`, e] as const))('%s', (_label, example) => {
    const points = run(example);
    expect(points.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const point of points) {
      expect(Object.keys(point.fields).length).toBeGreaterThan(0);
      // The systems list carries many systems, each with its own id.
      if (example.operationId === 'listSystems') expect(point.tags.system_id).toMatch(/^\d+$/);
      else expect(point.tags.system_id).toBe(String(contextFor(example).systemId));
      // Every declared tag key, every field key and type: toLineProtocol refuses anything else.
      expect(toLineProtocol(point)).toMatch(new RegExp(`^${point.measurement}[, ].* ${point.time}$`));
      expect(Object.keys(SCHEMA)).toContain(point.measurement);
      const grid = GRID[point.measurement];
      if (grid !== undefined) expect(point.time % grid).toBe(0);
      if (DAILY.has(point.measurement)) {
        expect(localMidnight(localDate(point.time, ZONE), ZONE)).toBe(point.time);
        expect(localDate(point.time, ZONE) < localDate(NOW, ZONE)).toBe(true);
      }
      if (SNAPSHOTS.has(point.measurement)) expect(point.time).toBe(OBSERVED - 42);
      for (const value of Object.values(point.fields)) expect(value).not.toBe(-1);
      const id = identity(point);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
  });
});

function example(operationId: string): Example {
  const found = EXAMPLES.find((e) => e.operationId === operationId);
  if (!found) throw new Error(`no example for ${operationId}`);
  return found;
}

describe('exact points of some examples', () => {
  it('production_micro: unaligned end_ats become 5-minute starts', () => {
    expect(run(example('getProductionMicroTelemetry'))).toEqual([
      {
        measurement: 'production',
        tags: { system_id: '698905955', source: 'micro' },
        fields: { power_w: 30, energy_wh: 40, devices_reporting: 1 },
        time: 1384122300,
      },
      {
        measurement: 'production',
        tags: { system_id: '698905955', source: 'micro' },
        fields: { power_w: 20, energy_wh: 40, devices_reporting: 1 },
        time: 1384123200,
      },
    ]);
  });

  it('micro telemetry: an end_at on the grid starts one interval earlier', () => {
    const points = run(example('getMicroTelemetry'));
    expect(points.map((p) => [p.time, p.tags.serial, p.fields])).toEqual([
      [1496526000, '12345', { power_w: 30, energy_wh: 40 }],
      [1496526300, '12345', { power_w: 20, energy_wh: 40 }],
    ]);
  });

  it('rgm_stats: site intervals and one series per meter and channel', () => {
    const points = run(example('getRgmStats'));
    const site = points.filter((p) => p.measurement === 'rgm');
    expect(site.map((p) => [p.time, p.fields.energy_wh, p.fields.devices_reporting])).toEqual([
      [1384121700, 50, 2],
      [1384122600, 100, 2],
      [1384123500, 15, 2],
      [1384124400, 21, 2],
      [1384125300, 34, 2],
    ]);
    const meters = points.filter((p) => p.measurement === 'rgm_meter');
    expect(meters).toHaveLength(10);
    expect(meters[0]).toEqual({
      measurement: 'rgm_meter',
      tags: { system_id: '66', meter_serial: '1218676784', envoy_serial: '1218347675', channel: '1' },
      fields: { energy_wh: 30, power_w: 120 },
      time: 1384121700,
    });
    const sum = (serial: string) =>
      meters
        .filter((p) => p.tags.meter_serial === serial)
        .reduce((s, p) => s + Number(p.fields.energy_wh), 0);
    expect([sum('1218676784'), sum('1218676791')]).toEqual([120, 100]);
  });

  it('battery: devices_reporting is the largest of the three counts', () => {
    expect(run(example('getBatteryTelemetry'))).toEqual([
      {
        measurement: 'battery',
        tags: { system_id: '698905955' },
        fields: { charge_wh: 40, discharge_wh: 0, soc_pct: 25, devices_reporting: 4 },
        time: 1384121700,
      },
    ]);
  });

  it('energy_import_telemetry: nested arrays become grid import points', () => {
    expect(run(example('getEnergyImportTelemetry')).map((p) => [p.time, p.fields])).toEqual([
      [1384121700, { import_wh: 40 }],
      [1384122600, { import_wh: 40 }],
    ]);
  });

  it('energy_lifetime: three kinds, meter from meter_start_date, local midnights', () => {
    const points = run(example('getEnergyLifetime'));
    const byKind = (kind: string) => points.filter((p) => p.tags.kind === kind);
    const midnight = 1357027200; // 2013-01-01T00:00 America/Los_Angeles (08:00 UTC)
    expect(byKind('production').map((p) => [p.time, p.fields.energy_wh])).toEqual(
      [15422, 15421, 17118, 18505, 18511, 18487].map((wh, i) => [midnight + i * 86_400, wh]),
    );
    expect(byKind('production_micro').map((p) => p.fields.energy_wh)).toEqual([
      15422, 15421, 17118, 18513, 18520, 18494,
    ]);
    expect(byKind('production_meter').map((p) => [p.time, p.fields.energy_wh])).toEqual([
      [midnight + 3 * 86_400, 18505],
      [midnight + 4 * 86_400, 18511],
      [midnight + 5 * 86_400, 18487],
    ]);
  });

  it('battery_lifetime: charge and discharge kinds', () => {
    const points = run(example('getBatteryLifetime'));
    expect(points.filter((p) => p.tags.kind === 'battery_charge')).toHaveLength(6);
    expect(points.filter((p) => p.tags.kind === 'battery_discharge')).toHaveLength(6);
    expect(points[0]!.time).toBe(1470034800); // 2016-08-01T00:00 America/Los_Angeles
  });

  it('systems list: one snapshot per system, the deprecated -1 fields left out', () => {
    const points = run(example('listSystems'));
    expect(points.map((p) => p.tags.system_id)).toEqual(['698910067', '698906018']);
    for (const p of points) {
      expect(p.time).toBe(OBSERVED - 42);
      expect(Object.keys(p.fields)).not.toEqual(expect.arrayContaining(['energy_lifetime']));
      expect(p.fields).not.toHaveProperty('system_size');
      expect(p.fields).not.toHaveProperty('energy_today');
    }
    expect(points[0]!.fields).toMatchObject({
      name: 'Enphase System',
      timezone: 'Australia/Sydney',
      city: 'Sydney',
    });
  });

  it('summary: operational_at null is left out, energy_lifetime 0 is written', () => {
    const [point] = run(example('getSystemSummary'));
    expect(point!.fields).not.toHaveProperty('operational_at');
    expect(point!.fields).toMatchObject({ energy_lifetime_wh: 0, size_w: 1250, battery_capacity_wh: 3360 });
  });

  it('latest_telemetry: reporting channels only, stamped at their own last_report_at', () => {
    expect(
      run(example('getLatestSystemTelemetry')).map((p) => [p.tags.kind, p.tags.channel, p.time, p.fields]),
    ).toEqual([
      ['encharge', '1', 1701087429, { power_w: -15, operational_mode: 'Idle' }],
      ['encharge', '1', 1701418467, { power_w: 0, operational_mode: 'Idle' }],
      ['production', '1', 1701418500, { power_w: 755 }],
      ['consumption', '1', 1701418500, { power_w: 12 }],
    ]);
  });

  it('alarms: serials of the events and the cleared flag', () => {
    expect(run(example('listSystemAlarms'))).toEqual([
      {
        measurement: 'alarms',
        tags: { system_id: '701644354', alarm_id: '1082701398' },
        fields: { event_type_id: 28, severity: 4, cleared: false, serials: '202241095486', event_count: 1 },
        time: 1737750626,
      },
    ]);
  });
});
