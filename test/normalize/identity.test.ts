// Identity comes from the request (DESIGN §3): system_id and serial tags are the request's, and a
// body naming another system or device is a bad response for its window, never written under
// either identity.
import { guarded } from '../../src/extractors/core.js';
import { ExtractError } from '../../src/extractors/errors.js';
import type { SystemInfo } from '../../src/extractors/types.js';
import { normalizeResponse } from '../../src/datasets/normalizers.js';
import { IdentityMismatchError, type DataPoint, type NormalizeContext } from '../../src/normalize/index.js';

const NOW = Date.UTC(2026, 5, 15, 12) / 1000;
const ctx: NormalizeContext = { systemId: 222, observedAt: NOW, window: { from: NOW - 86_400, to: NOW } };
const interval = { end_at: NOW - 600, powr: 10, enwh: 1 };

describe('tags come from the request', () => {
  it.each([
    ['getSystemById', { system_id: 111, name: 'Other house', timezone: 'UTC' }],
    ['getSystemSummary', { system_id: 111, current_power: 500, size_w: 4_000 }],
    ['getProductionMicroTelemetry', { system_id: 111, intervals: [interval] }],
    ['getLatestSystemTelemetry', { system_id: '111', devices: {} }],
  ] as const)('%s: a body for another system_id is refused, naming both', (operation, body) => {
    const run = () => normalizeResponse(operation, body, ctx);
    expect(run).toThrow(IdentityMismatchError);
    expect(run).toThrow(/system_id (111|"111"), the request for system 222/);
  });

  it('a body without system_id, or with the same one as a string, is tagged with the request', () => {
    const summary = normalizeResponse('getSystemSummary', { current_power: 500 }, ctx);
    const detail = normalizeResponse('getSystemById', { system_id: '222', name: 'Home' }, ctx);
    expect([...summary, ...detail].map((p: DataPoint) => p.tags)).toEqual([
      { system_id: '222' },
      { system_id: '222' },
    ]);
  });

  it.each(['getMicroTelemetry', 'getEnchargeTelemetry', 'getAcbTelemetry'] as const)(
    '%s: the serial tag is the requested one; a body for another device is refused',
    (operation) => {
      const device = { ...ctx, serial: '482200001' };
      const body = { system_id: 222, intervals: [{ ...interval, charge: { enwh: 1 } }] };
      const points = normalizeResponse(operation, { ...body, serial_number: '482200001' }, device);
      expect(points.length).toBeGreaterThan(0);
      for (const point of points) expect(point.tags).toMatchObject({ system_id: '222', serial: '482200001' });
      expect(() => normalizeResponse(operation, { ...body, serial_number: '482299999' }, device)).toThrow(
        /serial "482299999", the request for serial "482200001"/,
      );
      // Without a serial in the body, the request's is used.
      expect(normalizeResponse(operation, body, device)[0]?.tags.serial).toBe('482200001');
    },
  );

  it('the systems list names its systems itself (ctx.systemId is not used)', () => {
    const points = normalizeResponse(
      'listSystems',
      {
        systems: [
          { system_id: 1, name: 'a' },
          { system_id: 2, name: 'b' },
        ],
      },
      ctx,
    );
    expect(points.map((p) => p.tags.system_id)).toEqual(['1', '2']);
  });

  it('in an extractor the mismatch fails its window without retry, naming system, window and both ids', async () => {
    const system = { id: 222 } as SystemInfo;
    const window = { from: NOW - 86_400, to: NOW, query: {} };
    const error = await guarded(system, 'system', window, undefined, async () =>
      normalizeResponse('getSystemSummary', { system_id: 111, current_power: 5 }, ctx),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtractError);
    expect(error).toMatchObject({ retryable: false, systemId: 222, dataset: 'system' });
    expect((error as Error).message).toMatch(/system 222.*IdentityMismatchError.*system_id 111.*system 222/s);
  });
});
