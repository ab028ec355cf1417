// Clear-sky irradiance as a fraction of the peak: the sun's elevation from the location and the
// UTC time (NOAA's low-precision solar-position formulas, good to a fraction of a degree), so the
// curve follows latitude, season and longitude by itself, and is zero at night. Declination and
// the equation of time change slowly, so they are computed once per UTC day and cached.

// A module-local alias: under jest (a vm context) every global lookup such as `Math` is slow,
// and these functions run millions of times per lifetime series.
const math = Math;

const RAD = math.PI / 180;

interface DaySun {
  sinDec: number;
  cosDec: number;
  /** Equation of time, minutes. */
  eqTime: number;
}

const days = new Map<number, DaySun>();

function daySun(day: number): DaySun {
  let sun = days.get(day);
  if (!sun) {
    const date = new Date(day * 86_400_000);
    const start = Date.UTC(date.getUTCFullYear(), 0, 1) / 86_400_000;
    const leap = date.getUTCFullYear() % 4 === 0 ? 366 : 365;
    const gamma = ((2 * math.PI) / leap) * (day - start + 0.5 - 1); // fractional year at noon
    const eqTime =
      229.18 *
      (0.000075 +
        0.001868 * math.cos(gamma) -
        0.032077 * math.sin(gamma) -
        0.014615 * math.cos(2 * gamma) -
        0.040849 * math.sin(2 * gamma));
    const dec =
      0.006918 -
      0.399912 * math.cos(gamma) +
      0.070257 * math.sin(gamma) -
      0.006758 * math.cos(2 * gamma) +
      0.000907 * math.sin(2 * gamma) -
      0.002697 * math.cos(3 * gamma) +
      0.00148 * math.sin(3 * gamma);
    sun = { sinDec: math.sin(dec), cosDec: math.cos(dec), eqTime };
    if (days.size > 20_000) days.clear();
    days.set(day, sun);
  }
  return sun;
}

/** Solar elevation in degrees at (lat, lon) and epoch seconds t. */
export function solarElevationDeg(lat: number, lon: number, tSec: number): number {
  const day = math.floor(tSec / 86_400);
  const sun = daySun(day);
  const minutes = (tSec - day * 86_400) / 60;
  const solarMinutes = minutes + sun.eqTime + 4 * lon;
  const hourAngle = (solarMinutes / 4 - 180) * RAD;
  const phi = lat * RAD;
  const sinElev = math.sin(phi) * sun.sinDec + math.cos(phi) * sun.cosDec * math.cos(hourAngle);
  return math.asin(math.max(-1, math.min(1, sinElev))) / RAD;
}

const SIN_HALF_DEGREE = math.sin(0.5 * RAD);

/** Clear-sky output fraction 0–1: zero below 0.5° of elevation, thinner near the horizon (longer air path). */
export function clearSkyFactor(lat: number, lon: number, tSec: number): number {
  // sin(elevation) straight from the spherical-astronomy formula: no asin/sin round trip.
  const day = math.floor(tSec / 86_400);
  const sun = daySun(day);
  const solarMinutes = (tSec - day * 86_400) / 60 + sun.eqTime + 4 * lon;
  const phi = lat * RAD;
  const sinElev =
    math.sin(phi) * sun.sinDec + math.cos(phi) * sun.cosDec * math.cos((solarMinutes / 4 - 180) * RAD);
  return sinElev <= SIN_HALF_DEGREE ? 0 : math.pow(sinElev, 1.25);
}
