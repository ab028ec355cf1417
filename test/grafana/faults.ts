// The crafted fault scenario beside the simulator's healthy fleet: one system offline for the last
// 4.5 hours (Sydney, the sun up), one with a micro at a tenth of its siblings (Berlin), one whose
// battery is at 5 % (US/Pacific), and a pipeline whose quota is nearly spent, whose token was
// refused and whose data lags days behind. Every point goes through the schema's line-protocol
// writer, so a field the schema does not declare fails here too.
import { toLineProtocol, type DataPoint } from '../../src/normalize/index.js';

export const OFFLINE = 900_001;
export const WEAK_MICRO = 900_002;
export const WEAK_SERIAL = 'M3';
export const BATTERY_LOW = 900_003;
export const FAULT_SYSTEMS = [OFFLINE, WEAK_MICRO, BATTERY_LOW];
/** Known only by its problem (no data): quarantined by discovery, as the health round reports it. */
export const QUARANTINED = 900_009;

const HOUR = 3600;
const DAY = 86_400;

/** Wh per 5 minutes of a small array at a UTC instant, for a site `offsetH` hours east of UTC. */
function sunWh(time: number, offsetH: number, peak: number): number {
  const localHour = (((time / HOUR + offsetH) % 24) + 24) % 24;
  if (localHour < 6 || localHour >= 18) return 0;
  return Math.round(peak * Math.sin((Math.PI * (localHour - 6)) / 12));
}

function system(id: number, name: string, timezone: string, lastReportAt: number, now: number): DataPoint {
  return {
    measurement: 'system',
    tags: { system_id: String(id) },
    fields: { name, timezone, status: 'normal', last_report_at: lastReportAt, energy_today_wh: 0 },
    time: now - (now % 60),
  };
}

export function faultPoints(nowMs: number): DataPoint[] {
  const now = Math.floor(nowMs / 1000);
  const start = now - (now % 300) - 4 * DAY;
  const points: DataPoint[] = [
    system(OFFLINE, 'Fault · offline', 'Australia/Sydney', now - 4.5 * HOUR, now),
    system(WEAK_MICRO, 'Fault · weak micro', 'Europe/Berlin', now - 300, now),
    system(BATTERY_LOW, 'Fault · battery low', 'US/Pacific', now - 300, now),
    {
      measurement: 'pipeline_problem',
      tags: { system_id: String(QUARANTINED), kind: 'quarantined' },
      fields: { name: 'Fault · quarantined', reason: 'time zone "Mars/Base" is unknown', since: now - DAY },
      time: now - 600,
    },
    {
      measurement: 'events',
      tags: { system_id: String(OFFLINE), event_type_id: '1', serial: 'ENVOY1' },
      fields: { status: 'Open', event_name: 'Envoy not reporting', event_type_key: 'envoy_not_reporting' },
      time: now - 4 * HOUR,
    },
    {
      measurement: 'alarms',
      tags: { system_id: String(OFFLINE), alarm_id: '77' },
      fields: { event_name: 'Envoy communication lost', severity: 2, cleared: false, serials: 'ENVOY1' },
      time: now - 4 * HOUR,
    },
  ];
  for (let time = start; time < now - 300; time += 300) {
    // Offline: reported until 4.5 h ago. Sydney is UTC+10 in April (after DST ended on the 5th).
    if (time < now - 4.5 * HOUR) {
      const wh = sunWh(time, 10, 100);
      points.push({
        measurement: 'production',
        tags: { system_id: String(OFFLINE), source: 'micro' },
        fields: { energy_wh: wh, power_w: wh * 12, devices_reporting: 10 },
        time,
      });
    }
    // Weak micro: three micros, M3 at a tenth. Berlin is UTC+2.
    const micro = sunWh(time, 2, 30);
    const serials = { M1: micro, M2: micro, [WEAK_SERIAL]: Math.round(micro / 10) };
    for (const [serial, wh] of Object.entries(serials))
      points.push({
        measurement: 'micro',
        tags: { system_id: String(WEAK_MICRO), serial },
        fields: { energy_wh: wh, power_w: wh * 12 },
        time,
      });
    const total = Object.values(serials).reduce((a, b) => a + b, 0);
    points.push({
      measurement: 'production',
      tags: { system_id: String(WEAK_MICRO), source: 'micro' },
      fields: { energy_wh: total, power_w: total * 12, devices_reporting: 3 },
      time,
    });
    // Battery low: discharging to 5 % over the last day (15-minute intervals). UTC−7.
    if (time % 900 === 0 && time >= now - DAY) {
      const soc = Math.max(5, Math.round(60 - ((time - (now - DAY)) / DAY) * 60));
      points.push({
        measurement: 'battery',
        tags: { system_id: String(BATTERY_LOW) },
        fields: { soc_pct: soc, charge_wh: 0, discharge_wh: 150, devices_reporting: 1 },
        time,
      });
    }
    const wh = sunWh(time, -7, 80);
    points.push({
      measurement: 'production',
      tags: { system_id: String(BATTERY_LOW), source: 'micro' },
      fields: { energy_wh: wh, power_w: wh * 12, devices_reporting: 8 },
      time,
    });
  }
  return points;
}

/** A round's health when things go wrong, at `atMs` (after the healthy round). */
export function faultHealth(atMs: number): DataPoint[] {
  const time = Math.floor(atMs / 1000);
  return [
    {
      measurement: 'pipeline',
      tags: {},
      fields: {
        round_at: time,
        systems_total: 8,
        systems_quarantined: 1,
        systems_discovery_failed: 0,
        quota_used: 950,
        quota_limit: 1_000,
        quota_budget: 1_000,
        points_written: 0,
        errors: 3,
        datasets_unavailable: 2,
        endpoints_restricted: 1,
        token_expires_at: time - HOUR,
        token_expired: 1,
        token_rejected: 1,
      },
      time,
    },
    {
      measurement: 'pipeline_dataset',
      tags: { dataset: 'production_micro' },
      fields: { lag_max_s: 4 * DAY, lag_worst_system_id: OFFLINE, systems: 8, errors: 1, unavailable: 0 },
      time,
    },
  ];
}

export const toLines = (points: readonly DataPoint[]): string => points.map(toLineProtocol).join('\n');
