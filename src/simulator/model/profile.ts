// A simulated system's fixed description (location, size, devices), a pure function of
// (seed, system id, index in the fleet, fleet anchor). Built lazily, one system at a time.
import { PLACES, type Place } from './places.js';
import { SALT, hash32, intBetween, unit } from './hash.js';

export type ConnectionType = 'ethernet' | 'wifi' | 'cellular';
export type BatteryType = 'encharge' | 'acb';

export interface MicroProfile {
  serial: string;
  sku: string;
  /** Rated AC power in W. */
  ratedW: number;
  /** Per-panel factor (orientation, shading, ageing): 0.90–1.00. */
  efficiency: number;
}

export interface BatteryProfile {
  type: BatteryType;
  serial: string;
  sku: string;
  capacityWh: number;
  maxPowerW: number;
}

export interface MeterProfile {
  serial: string;
  /** Epoch seconds at which the meter started reporting (production meter only). */
  startAt: number;
}

export interface SystemProfile {
  id: number;
  /** Position in the fleet (0-based): the first systems are given a fixed mix of features. */
  index: number;
  name: string;
  publicName: string;
  place: Place;
  lat: number;
  lon: number;
  connectionType: ConnectionType;
  /** Epoch seconds (a UTC day start) at which the system became operational. */
  operationalAt: number;
  status: 'normal' | 'comm' | 'micro' | 'meter';
  attachmentType: 'rack_mount' | 'zep' | 'acm' | 'bipv' | 'frame_mount' | 'railless_mount';
  reference: string;
  envoySerial: string;
  micros: MicroProfile[];
  productionMeter: MeterProfile | null;
  consumptionMeter: MeterProfile | null;
  batteries: BatteryProfile[];
  evChargerSerials: string[];
  /** Household consumption scale: average base load in W. */
  baseLoadW: number;
  /** Meter reading versus the micro sum (0.97–1.02): meters and micros never agree exactly. */
  meterFactor: number;
  /** Cellular systems upload every 6 h at this offset (seconds into the 6-h slot). */
  uploadOffsetSec: number;
}

const ATTACHMENTS: SystemProfile['attachmentType'][] = [
  'rack_mount',
  'zep',
  'acm',
  'bipv',
  'frame_mount',
  'railless_mount',
];
const NAMES = ['Home', 'Residence', 'Cottage', 'Farm', 'Garage', 'Villa', 'House', 'Barn'];
const DAY = 86_400;

/** Feature overrides for the first systems, so every small fleet covers each case. */
interface Features {
  battery: 'none' | 'encharge' | 'acb';
  consumption: boolean;
  productionMeter: boolean;
  ev: boolean;
  cellular: boolean;
  young: boolean;
}

const FIRST_SYSTEMS: readonly Features[] = [
  { battery: 'encharge', consumption: true, productionMeter: true, ev: true, cellular: false, young: false },
  { battery: 'encharge', consumption: true, productionMeter: true, ev: false, cellular: false, young: true },
  { battery: 'none', consumption: false, productionMeter: true, ev: false, cellular: true, young: false },
  { battery: 'acb', consumption: true, productionMeter: true, ev: false, cellular: false, young: false },
  { battery: 'none', consumption: false, productionMeter: false, ev: false, cellular: false, young: true },
];

function featuresFor(seed: number, id: number, index: number): Features {
  const fixed = FIRST_SYSTEMS[index];
  if (fixed) return fixed;
  const u = (k: number): number => unit(seed, SALT.profile, id, 100 + k);
  const consumption = u(1) < 0.6;
  const batteryRoll = u(2);
  return {
    consumption,
    battery: consumption && batteryRoll < 0.4 ? (batteryRoll < 0.04 ? 'acb' : 'encharge') : 'none',
    productionMeter: u(3) < 0.85,
    ev: consumption && u(4) < 0.15,
    cellular: u(5) < 0.12,
    young: u(6) < 0.3,
  };
}

function serial(seed: number, id: number, kind: number, n: number, digits = 12): string {
  const a = hash32(seed, SALT.profile, id, kind, n);
  const b = hash32(seed, SALT.profile, id, kind, n, 1);
  return (String(a) + String(b)).padStart(digits, '1').slice(-digits).replace(/^0/, '1');
}

/**
 * @param anchorSec fleet anchor (the first of the month, UTC, when the simulator started): ages
 *   are counted back from it so the fleet does not change while a run's clock advances.
 * @param microCountOverride a fixed microinverter count (benchmarks size a system with it); else 8–40 by the seed.
 */
export function buildProfile(
  seed: number,
  id: number,
  index: number,
  anchorSec: number,
  microCountOverride?: number,
): SystemProfile {
  const u = (k: number): number => unit(seed, SALT.profile, id, k);
  const features = featuresFor(seed, id, index);
  const place = PLACES[index < PLACES.length ? index : Math.floor(u(1) * PLACES.length)] ?? PLACES[0]!;
  const ageDays = features.young
    ? intBetween(365, 700, seed, SALT.profile, id, 2)
    : intBetween(730, 6 * 365, seed, SALT.profile, id, 2);
  const operationalAt = Math.floor(anchorSec / DAY) * DAY - ageDays * DAY;

  const microCount = microCountOverride ?? intBetween(8, 40, seed, SALT.profile, id, 3);
  const skuRoll = u(4);
  const sku = skuRoll < 0.4 ? 'IQ7PLUS-72-2-US' : skuRoll < 0.8 ? 'IQ8PLUS-72-2-US' : 'IQ8M-72-2-US';
  const ratedW = sku.startsWith('IQ7') ? 290 : sku.startsWith('IQ8PLUS') ? 300 : 325;
  const micros: MicroProfile[] = [];
  for (let n = 0; n < microCount; n += 1) {
    micros.push({
      serial: serial(seed, id, 1, n),
      sku,
      ratedW,
      // Steps of 0.01, so micros share a handful of distinct weights (faster sums).
      efficiency: 0.9 + 0.01 * intBetween(0, 10, seed, SALT.micro, id, n),
    });
  }

  const batteries: BatteryProfile[] = [];
  if (features.battery === 'encharge') {
    const count = intBetween(1, 3, seed, SALT.profile, id, 5);
    for (let n = 0; n < count; n += 1) {
      // Encharge 3T: 3.36 kWh, 1.28 kW; Encharge 10T is three of them in one enclosure.
      const big = unit(seed, SALT.profile, id, 6, n) < 0.5;
      batteries.push({
        type: 'encharge',
        serial: serial(seed, id, 2, n),
        sku: big ? 'B10T-1P-NA' : 'B03-T01-US00-1-3',
        capacityWh: big ? 10_080 : 3_360,
        maxPowerW: big ? 3_840 : 1_280,
      });
    }
  } else if (features.battery === 'acb') {
    const count = intBetween(1, 4, seed, SALT.profile, id, 5);
    for (let n = 0; n < count; n += 1) {
      // The AC Battery: 1.2 kWh, 270 W.
      batteries.push({
        type: 'acb',
        serial: serial(seed, id, 3, n),
        sku: 'B1-1200-120',
        capacityWh: 1_200,
        maxPowerW: 270,
      });
    }
  }

  const meterStartDelayDays = intBetween(0, 90, seed, SALT.profile, id, 7);
  const name = `${place.city} ${NAMES[Math.floor(u(8) * NAMES.length)] ?? 'Home'} ${id}`;
  return {
    id,
    index,
    name,
    publicName: u(9) < 0.85 ? 'Residential System' : 'Commercial',
    place,
    lat: Math.round((place.lat + (u(10) - 0.5) * 0.4) * 1e4) / 1e4,
    lon: Math.round((place.lon + (u(11) - 0.5) * 0.4) * 1e4) / 1e4,
    connectionType: features.cellular ? 'cellular' : u(12) < 0.5 ? 'ethernet' : 'wifi',
    operationalAt,
    status: 'normal',
    attachmentType: ATTACHMENTS[Math.floor(u(13) * ATTACHMENTS.length)] ?? 'rack_mount',
    reference: String((hash32(seed, SALT.profile, id, 14) % 900_000_000) + 100_000_000),
    envoySerial: serial(seed, id, 4, 0),
    micros,
    productionMeter: features.productionMeter
      ? { serial: `${serial(seed, id, 4, 0)}EIM1`, startAt: operationalAt + meterStartDelayDays * DAY }
      : null,
    consumptionMeter: features.consumption
      ? { serial: `${serial(seed, id, 4, 0)}EIM2`, startAt: operationalAt }
      : null,
    batteries,
    evChargerSerials: features.ev ? [serial(seed, id, 5, 0)] : [],
    baseLoadW: intBetween(180, 520, seed, SALT.profile, id, 15),
    meterFactor: 0.97 + 0.05 * u(16),
    uploadOffsetSec: intBetween(0, 6 * 3600 - 1, seed, SALT.profile, id, 17),
  };
}
