// The EV chargers' charging model, a pure function of (seed, system, charger, local day): on about
// half of the days the car is plugged in in the evening (local time), charges 4–30 kWh at the
// charger's power, and stays plugged in for a while after. Every figure the EV charger routes give
// comes from that one schedule, so daily lifetime values are the sums of the day's 15-minute
// telemetry, sessions carry the same energy, and events mark the same start and stop times.
import { stringCode, unit } from './hash.js';
import { localDate, localDays, startOfLocalDay, type LocalDay } from './local-time.js';
import type { SystemProfile } from './profile.js';

const EV_SALT = stringCode('ev-charger');
const DAY = 86_400;
const INTERVAL = 900;
const PLUG_IN_PROBABILITY = 0.5;
/** Miles a typical EV drives per kWh (for `miles_added`), and the tariff per kWh (for `cost`). */
const MILES_PER_KWH = 3.5;
const PRICE_PER_KWH = 0.25;

export interface ChargingSession {
  serial: string;
  /** Plug-in, epoch s. Charging starts at once. */
  start: number;
  /** End of charging, epoch s. */
  chargeEnd: number;
  /** Unplug, epoch s (≥ chargeEnd). */
  end: number;
  powerW: number;
  energyWh: number;
}

/** Charger power by system: a 16 A, 32 A or 40 A circuit at 240 V. */
export function chargerPowerW(seed: number, system: SystemProfile, serial: string): number {
  const options = [3_840, 7_680, 9_600];
  return options[Math.floor(unit(seed, EV_SALT, system.id, stringCode(serial), 1) * options.length)] ?? 7_680;
}

const installedCache = new Map<string, number>();

/** The day (epoch s of local midnight) the charger was installed: after the system, never before. */
export function chargerInstalledAt(seed: number, system: SystemProfile, serial: string): number {
  const key = `${seed}:${system.id}:${serial}`;
  let at = installedCache.get(key);
  if (at === undefined) {
    const days = Math.floor(unit(seed, EV_SALT, system.id, stringCode(serial), 2) * 120);
    at = startOfLocalDay(system.operationalAt + days * DAY, system.place.timezone);
    if (installedCache.size > 10_000) installedCache.clear();
    installedCache.set(key, at);
  }
  return at;
}

/** The local days from the day of `from` to the day of `to` (epoch s). */
function daysSpanning(system: SystemProfile, from: number, to: number): LocalDay[] {
  const zone = system.place.timezone;
  return localDays(localDate(from, zone), localDate(to, zone), zone);
}

/** The session of one local day, if the car is plugged in that day. */
function sessionOnDay(
  seed: number,
  system: SystemProfile,
  serial: string,
  day: LocalDay,
): ChargingSession | undefined {
  if (day.start < chargerInstalledAt(seed, system, serial)) return undefined;
  const dayNumber =
    Date.UTC(Number(day.date.slice(0, 4)), Number(day.date.slice(5, 7)) - 1, Number(day.date.slice(8, 10))) /
    86_400_000;
  const u = (k: number): number => unit(seed, EV_SALT, system.id, stringCode(serial), 10 + k, dayNumber);
  if (u(0) >= PLUG_IN_PROBABILITY) return undefined;
  const powerW = chargerPowerW(seed, system, serial);
  const energyWh = Math.round(4_000 + 26_000 * u(1) * u(2)); // mostly short top-ups
  const start = day.start + 17 * 3600 + Math.floor(u(3) * 5 * 3600); // 17:00–22:00 local
  const chargeEnd = start + Math.round((energyWh / powerW) * 3600);
  const end = chargeEnd + Math.round(1800 + u(4) * 9 * 3600);
  return { serial, start, chargeEnd, end, powerW, energyWh };
}

/** Sessions that plugged in during [from, to] (epoch s), oldest first. */
export function sessionsBetween(
  seed: number,
  system: SystemProfile,
  serial: string,
  from: number,
  to: number,
): ChargingSession[] {
  return daysSpanning(system, from, to)
    .map((d) => sessionOnDay(seed, system, serial, d))
    .filter((s): s is ChargingSession => s !== undefined && s.start >= from && s.start <= to);
}

/** Energy (Wh, unrounded) the given sessions delivered in [a, b) epoch s. */
function energyIn(sessions: readonly ChargingSession[], a: number, b: number): number {
  let wh = 0;
  for (const s of sessions) {
    const overlap = Math.min(b, s.chargeEnd) - Math.max(a, s.start);
    if (overlap > 0) wh += (s.powerW * overlap) / 3600;
  }
  return wh;
}

/** Sessions that may deliver energy in [a, b): charging lasts less than a day, so look 2 days back. */
function sessionsTouching(
  seed: number,
  system: SystemProfile,
  serial: string,
  a: number,
  b: number,
): ChargingSession[] {
  return sessionsBetween(seed, system, serial, a - 2 * DAY, b).filter((s) => s.chargeEnd > a);
}

/** The charger's power (W) at `tSec`: for the household load and live data. */
export function evPowerAt(seed: number, system: SystemProfile, serial: string, tSec: number): number {
  const s = sessionsTouching(seed, system, serial, tSec, tSec + 1).find(
    (x) => x.start <= tSec && tSec < x.chargeEnd,
  );
  return s ? s.powerW : 0;
}

/** 15-minute interval energies (Wh, integers) for intervals ending in (start, end]. */
export function intervalEnergies(
  seed: number,
  system: SystemProfile,
  serial: string,
  start: number,
  end: number,
): { end_at: number; consumption: number }[] {
  const sessions = sessionsTouching(seed, system, serial, start, end);
  const out: { end_at: number; consumption: number }[] = [];
  for (let t = start + INTERVAL; t <= end; t += INTERVAL) {
    out.push({ end_at: t, consumption: Math.round(energyIn(sessions, t - INTERVAL, t)) });
  }
  return out;
}

/**
 * Daily energies (Wh) for the local days from the day of `first` to the day of `last`: each the
 * sum of that day's rounded interval values, so a client summing telemetry gets exactly the
 * lifetime figure.
 */
export function dailyEnergies(
  seed: number,
  system: SystemProfile,
  serial: string,
  first: number,
  last: number,
): number[] {
  const days = daysSpanning(system, first, last);
  const sessions = sessionsTouching(seed, system, serial, first, days.at(-1)?.end ?? first);
  return days.map((d) => {
    let sum = 0;
    for (let t = d.start + INTERVAL; t <= d.end; t += INTERVAL)
      sum += Math.round(energyIn(sessions, t - INTERVAL, t));
    return sum;
  });
}

const historyCache = new Map<string, { day: string; sessions: ChargingSession[] }>();

/** Every session of the charger up to the end of today (local), oldest first; cached per day. */
function sessionHistory(
  seed: number,
  system: SystemProfile,
  serial: string,
  nowSec: number,
): ChargingSession[] {
  const key = `${seed}:${system.id}:${serial}`;
  const day = localDate(nowSec, system.place.timezone);
  const cached = historyCache.get(key);
  if (cached && cached.day === day) return cached.sessions;
  const sessions = sessionsBetween(
    seed,
    system,
    serial,
    chargerInstalledAt(seed, system, serial),
    nowSec + DAY,
  );
  if (historyCache.size >= 256) historyCache.delete(historyCache.keys().next().value!);
  historyCache.set(key, { day, sessions });
  return sessions;
}

/** Every session of the charger completed (unplugged) by `nowSec`, newest first. */
export function completedSessions(
  seed: number,
  system: SystemProfile,
  serial: string,
  nowSec: number,
): ChargingSession[] {
  return sessionHistory(seed, system, serial, nowSec)
    .filter((s) => s.end <= nowSec)
    .reverse();
}

export interface ChargingEvent {
  serial: string;
  kind: 'started' | 'stopped';
  /** Epoch s. */
  at: number;
}

/** The start and stop of charging of every completed session of the chargers, newest first. */
export function chargingEvents(
  seed: number,
  system: SystemProfile,
  serials: readonly string[],
  nowSec: number,
): ChargingEvent[] {
  return serials
    .flatMap((serial) =>
      completedSessions(seed, system, serial, nowSec).flatMap((s): ChargingEvent[] => [
        // newest first: the stop of a session comes before its start
        { serial, kind: 'stopped', at: s.chargeEnd },
        { serial, kind: 'started', at: s.start },
      ]),
    )
    .sort((a, b) => b.at - a.at);
}

/** What a session is worth to the owner: miles of range added and what the energy cost. */
export function sessionValue(energyWh: number): { miles: number; cost: number } {
  return { miles: (energyWh / 1000) * MILES_PER_KWH, cost: (energyWh / 1000) * PRICE_PER_KWH };
}

export interface ChargerSchedule {
  /** Local hour the weekday off-peak window starts (22–24); it lasts 7 hours. */
  offPeakStartHour: number;
  active: boolean;
  reminder: boolean;
}

/** The owner's charging schedule: fixed per charger. */
export function chargerSchedule(seed: number, system: SystemProfile, serial: string): ChargerSchedule {
  const u = (k: number): number => unit(seed, EV_SALT, system.id, stringCode(serial), 50 + k);
  return { offPeakStartHour: 22 + Math.floor(u(1) * 3), active: u(2) < 0.5, reminder: u(3) < 0.5 };
}
