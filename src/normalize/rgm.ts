// rgm_stats → `rgm` (site: intervals) and `rgm_meter` (per meter and channel: meter_intervals).
//   intervals[]        wh_del → energy_wh, devices_reporting
//   meter_intervals[]  meter_serial_number, envoy_serial_number, intervals[].channel (tags),
//                      wh_del → energy_wh, curr_w → power_w
// All 15-minute intervals.
import type { ResponseBody } from './bodies.js';
import {
  arrayOf,
  copyInt,
  endAt,
  int,
  intervalAt,
  objectBody,
  str,
  systemTag,
  NormalizeError,
  SeriesBuilder,
  type Fields,
  type NormalizeContext,
} from './body-readers.js';
import { intervalsToSeries } from './interval-series.js';
import type { DataPoint } from './point.js';
import { FIFTEEN_MINUTES, intervalStart } from './time.js';

const WHAT = 'rgm_stats';

export function normalizeRgmStats(body: ResponseBody<'getRgmStats'>, ctx: NormalizeContext): DataPoint[] {
  const obj = objectBody(body, WHAT);
  const system = systemTag(ctx);
  const site = intervalsToSeries(arrayOf(obj, 'intervals', WHAT), ctx, {
    what: WHAT,
    measurement: 'rgm',
    tags: { system_id: system },
    lengthSec: FIFTEEN_MINUTES,
    read: (iv, f, what) =>
      copyInt(iv, 'wh_del', f, 'energy_wh', what) +
      copyInt(iv, 'devices_reporting', f, 'devices_reporting', what),
  });

  // One series per (meter, envoy, channel). The channel is per interval, so a meter's list can
  // feed several series; a meter listed twice feeds the same ones (last interval wins).
  const length = ctx.intervalSeconds ?? FIFTEEN_MINUTES;
  const meters = new Map<string, SeriesBuilder>();
  const meterList = arrayOf(obj, 'meter_intervals', WHAT);
  for (let m = 0; m < meterList.length; m++) {
    const meter = intervalAt(meterList, m, WHAT);
    const meterSerial = str(meter, 'meter_serial_number', WHAT);
    if (meterSerial === undefined)
      throw new NormalizeError(`${WHAT}: meter_intervals[${m}] has no meter_serial_number`);
    const envoySerial = str(meter, 'envoy_serial_number', WHAT) ?? '';
    const list = arrayOf(meter, 'intervals', WHAT);
    for (let i = 0; i < list.length; i++) {
      const iv = intervalAt(list, i, WHAT);
      const channel = String(int(iv, 'channel', WHAT) ?? '');
      const key = `${meterSerial}\u0000${envoySerial}\u0000${channel}`;
      let series = meters.get(key);
      if (series === undefined) {
        const tags: Record<string, string> = { system_id: system, meter_serial: meterSerial };
        if (envoySerial !== '') tags.envoy_serial = envoySerial;
        if (channel !== '') tags.channel = channel;
        series = new SeriesBuilder('rgm_meter', tags, ctx.window);
        meters.set(key, series);
      }
      const fields: Fields = {};
      const n =
        copyInt(iv, 'wh_del', fields, 'energy_wh', WHAT) + copyInt(iv, 'curr_w', fields, 'power_w', WHAT);
      series.add(intervalStart(endAt(iv, WHAT), length), fields, n);
    }
  }
  const out = site;
  for (const series of meters.values()) for (const point of series.finish()) out.push(point);
  return out;
}
