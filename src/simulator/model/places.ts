// Where simulated systems are: one entry per city, chosen so the fleet covers DST zones in both
// hemispheres, a half-hour offset (+5:30) and zones without DST. Coordinates match the zone, so
// the sun rises at a plausible local time.

export interface Place {
  timezone: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  lat: number;
  lon: number;
}

export const PLACES: readonly Place[] = [
  {
    timezone: 'US/Pacific',
    city: 'Los Angeles',
    state: 'CA',
    country: 'US',
    postalCode: '90012',
    lat: 34.05,
    lon: -118.24,
  },
  {
    timezone: 'Australia/Sydney',
    city: 'Sydney',
    state: 'NSW',
    country: 'AU',
    postalCode: '2127',
    lat: -33.87,
    lon: 151.21,
  },
  {
    timezone: 'Europe/Berlin',
    city: 'Berlin',
    state: 'BE',
    country: 'DE',
    postalCode: '10115',
    lat: 52.52,
    lon: 13.4,
  },
  {
    timezone: 'Asia/Kolkata',
    city: 'Pune',
    state: 'MH',
    country: 'IN',
    postalCode: '411001',
    lat: 18.52,
    lon: 73.86,
  },
  {
    timezone: 'America/Phoenix',
    city: 'Phoenix',
    state: 'AZ',
    country: 'US',
    postalCode: '85004',
    lat: 33.45,
    lon: -112.07,
  },
  {
    timezone: 'America/New_York',
    city: 'Boston',
    state: 'MA',
    country: 'US',
    postalCode: '02108',
    lat: 42.36,
    lon: -71.06,
  },
  {
    timezone: 'US/Pacific',
    city: 'Sacramento',
    state: 'CA',
    country: 'US',
    postalCode: '95814',
    lat: 38.58,
    lon: -121.49,
  },
  {
    timezone: 'Europe/Amsterdam',
    city: 'Utrecht',
    state: 'UT',
    country: 'NL',
    postalCode: '3511',
    lat: 52.09,
    lon: 5.12,
  },
  {
    timezone: 'Australia/Brisbane',
    city: 'Brisbane',
    state: 'QLD',
    country: 'AU',
    postalCode: '4000',
    lat: -27.47,
    lon: 153.03,
  },
  {
    timezone: 'America/Denver',
    city: 'Denver',
    state: 'CO',
    country: 'US',
    postalCode: '80202',
    lat: 39.74,
    lon: -104.99,
  },
];
