// Bad input (DESIGN §3): a body whose structure violates the spec is refused as a whole with a
// NormalizeError naming the endpoint; nulls and unknown extra fields are tolerated.
import { NormalizeError } from '../../src/normalize/body-readers.js';
import { normalizeEnergyLifetime } from '../../src/normalize/daily.js';
import { normalizeEnergyImportTelemetry } from '../../src/normalize/grid.js';
import { normalizeSystem } from '../../src/normalize/system.js';
import { normalizeBatteryTelemetry, normalizeProductionMicro } from '../../src/normalize/telemetry.js';

const ctx = { systemId: 5, timeZone: 'UTC', now: 2_000_000_000 };
// The bodies below are deliberately off-spec: they go through `unknown` to reach the normalizer.
const micro = (body: unknown) => normalizeProductionMicro(body as never, ctx);

describe('bad input', () => {
  it.each([
    [
      'a string where intervals should be',
      { intervals: 'oops' },
      /production_micro: 'intervals' must be an array/,
    ],
    ['a body that is not an object', 'truncated', /expected a JSON object/],
    ['an interval that is not an object', { intervals: [3] }, /interval 0 must be an object/],
    ['an interval without end_at', { intervals: [{ enwh: 3 }] }, /without 'end_at'/],
    ['a string end_at', { intervals: [{ end_at: '1700000000', enwh: 3 }] }, /'end_at' must be an integer/],
    ['a string value', { intervals: [{ end_at: 1700000000, enwh: '3' }] }, /'enwh' must be an integer/],
    ['a fractional energy', { intervals: [{ end_at: 1700000000, enwh: 3.5 }] }, /'enwh' must be an integer/],
  ])('refuses %s', (_label, body, message) => {
    expect(() => micro(body)).toThrow(NormalizeError);
    expect(() => micro(body)).toThrow(message);
  });

  it('refuses an import body whose inner list is not an array', () => {
    expect(() => normalizeEnergyImportTelemetry({ intervals: [{ end_at: 1 }] } as never, ctx)).toThrow(
      /intervals\[0\] must be an array/,
    );
  });

  it('refuses a daily series without a time zone or now', () => {
    const body = { start_date: '2020-01-01', production: [1] };
    expect(() => normalizeEnergyLifetime(body, { systemId: 1, now: 2e9 })).toThrow(/needs ctx.timeZone/);
    expect(() => normalizeEnergyLifetime(body, { systemId: 1, timeZone: 'UTC' })).toThrow(/needs ctx.now/);
  });

  it('refuses a snapshot without an observation time', () => {
    expect(() => normalizeSystem({ system_id: 1, name: 'x' }, { systemId: 1 })).toThrow(
      /needs ctx.observedAt/,
    );
  });

  it('tolerates nulls, a missing list and unknown fields; an interval left empty is dropped', () => {
    expect(micro({})).toEqual([]);
    expect(micro({ intervals: null })).toEqual([]);
    const points = micro({
      surprise: { nested: true },
      intervals: [
        { end_at: 1_700_000_100, enwh: null, powr: null, devices_reporting: null, extra: 'x' },
        { end_at: 1_700_000_400, enwh: 0, powr: null },
      ],
    });
    expect(points).toEqual([
      {
        measurement: 'production',
        tags: { system_id: '5', source: 'micro' },
        fields: { energy_wh: 0 },
        time: 1_700_000_100,
      },
    ]);
  });

  it('battery: missing parts are left out, never written as 0', () => {
    const points = normalizeBatteryTelemetry(
      { intervals: [{ end_at: 1_700_000_100, charge: null, soc: { percent: 80, devices_reporting: 2 } }] },
      ctx,
    );
    expect(points[0]!.fields).toEqual({ soc_pct: 80, devices_reporting: 2 });
  });
});
