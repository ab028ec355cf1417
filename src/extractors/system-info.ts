// SystemInfo from the API's own answers (pure): the system detail (or its list entry) and the
// active devices. Discovery calls it; the extractors only read the result.
import type { ResponseBody, SystemListItem } from '../enphase/api-shapes.js';
import type { SystemInfo } from './types.js';

export type SystemDetailBody = ResponseBody<'/api/v4/systems/{system_id}'>;
export type SystemDevicesBody = ResponseBody<'/api/v4/systems/{system_id}/devices'>;
type Device = NonNullable<NonNullable<SystemDevicesBody['devices']>[string]>[number];

function serials(list: readonly Device[] | undefined): string[] {
  const out: string[] = [];
  for (const device of list ?? []) {
    // Only active devices carry data; the endpoint lists only those, but say so.
    if (device.active === false) continue;
    if (typeof device.serial_number === 'string' && device.serial_number !== '')
      out.push(device.serial_number);
  }
  return out;
}

/** A meter's role from its `config_type` (Production / Net / Total Consumption) or its name. */
function meterRole(device: Device): 'production' | 'consumption' | undefined {
  const label = `${device.config_type ?? ''} ${device.name ?? ''}`.toLowerCase();
  if (label.includes('production')) return 'production';
  if (label.includes('net') || label.includes('consumption')) return 'consumption';
  return undefined;
}

export function systemInfoFromApi(
  detail: SystemDetailBody | SystemListItem,
  devices: SystemDevicesBody,
): SystemInfo {
  const id = detail.system_id ?? devices.system_id;
  if (id === undefined) throw new Error('systemInfoFromApi: the system detail has no system_id');
  if (typeof detail.timezone !== 'string' || detail.timezone === '')
    throw new Error(`systemInfoFromApi: system ${id} has no timezone`);
  const lists = devices.devices ?? {};
  const meters = (lists['meters'] ?? []).filter((m) => m.active !== false);
  const encharges = serials(lists['encharges']);
  const acbs = serials(lists['acbs']);
  const info: SystemInfo = {
    id,
    timeZone: detail.timezone,
    operationalAt: detail.operational_at ?? null,
    devices: {
      micros: serials(lists['micros']),
      encharges,
      acbs,
      evChargers: serials(lists['ev_chargers']),
      meters: serials(meters),
    },
    hasProductionMeter: meters.some((m) => meterRole(m) === 'production'),
    hasConsumptionMeter: meters.some((m) => meterRole(m) === 'consumption'),
    hasBattery: encharges.length + acbs.length > 0,
  };
  if (detail.name !== undefined) info.name = detail.name;
  return info;
}
