// Which failures become an ExtractError (a body that cannot be trusted) and which pass through
// unchanged for the job to decide on (plan restriction, HTTP errors). Pure: no services.
import { ApiError, BadResponseError, PlanRestrictedError } from '../../src/enphase/errors/index.js';
import { guarded } from '../../src/extractors/core.js';
import { ExtractError, type SystemInfo } from '../../src/extractors/index.js';
import { NormalizeError } from '../../src/normalize/index.js';

const system: SystemInfo = {
  id: 7,
  timeZone: 'Asia/Kolkata',
  operationalAt: 0,
  devices: { micros: [], encharges: [], acbs: [], evChargers: [] },
};
const window = { from: 1_775_000_700, to: 1_775_087_100, query: {} };

describe('guarded', () => {
  it.each([
    ['a NormalizeError', new NormalizeError("telemetry/battery: 'intervals' must be an array, got a string")],
    ['a BadResponseError', new BadResponseError('body is not JSON', { problems: ['Unexpected token <'] })],
  ])('turns %s into an ExtractError naming system, dataset, window and device', async (_name, cause) => {
    const error = await guarded(system, 'battery_device', window, 'ACB42', () => Promise.reject(cause)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExtractError);
    expect(error).toMatchObject({
      systemId: 7,
      dataset: 'battery_device',
      window: { start: window.from, end: window.to },
      serial: 'ACB42',
      retryable: false,
      cause,
    });
    expect((error as Error).message).toBe(
      `system 7, dataset battery_device, window 2026-03-31T23:45:00Z..2026-04-01T23:45:00Z, serial ACB42: ${cause.name}: ${cause.message}`,
    );
  });

  it('lets plan restrictions and HTTP errors through unchanged', async () => {
    for (const cause of [
      new PlanRestrictedError('plan', { until: 0, systemId: 7 }),
      new ApiError('Server Error', { status: 503 }),
      new TypeError('a bug'),
    ]) {
      await expect(guarded(system, 'micro', window, undefined, () => Promise.reject(cause))).rejects.toBe(
        cause,
      );
    }
  });

  it('returns the value of a window that worked', async () => {
    await expect(guarded(system, 'micro', window, undefined, () => Promise.resolve(3))).resolves.toBe(3);
  });
});
