// Whether a system's metadata is usable (pure): the time zone must be an IANA name, and a device
// list, when fetched, must carry its devices object. Discovery quarantines a system on the answer.
import type { SystemListItem } from '../../src/enphase/api-shapes.js';
import { apiMetadataProblem, systemInfoProblem } from '../../src/extractors/metadata-problem.js';
import type { SystemDevicesBody } from '../../src/extractors/system-info.js';
import type { SystemInfo } from '../../src/extractors/types.js';

const item = (timezone: unknown): SystemListItem =>
  ({ system_id: 7, name: 'x', timezone, operational_at: 1_600_000_000 }) as SystemListItem;
const devices = (body: unknown): SystemDevicesBody => body as SystemDevicesBody;

describe('apiMetadataProblem', () => {
  it.each(['Australia/Sydney', 'America/New_York', 'Europe/Berlin', 'UTC', 'Pacific/Chatham'])(
    'accepts the IANA name %s',
    (zone) => expect(apiMetadataProblem(item(zone))).toBeUndefined(),
  );

  it.each([
    ['qui', /the time zone 'qui' is not an IANA name/],
    ['Mars/Olympus_Mons', /'Mars\/Olympus_Mons' is not an IANA name/],
    ['GMT+25', /not an IANA name/],
    [' ', /not an IANA name/],
    ['', /no time zone/],
    [undefined, /no time zone/],
    [null, /no time zone/],
    [42, /the time zone 42 is not a name/],
  ])('quarantines the time zone %j', (zone, reason) => {
    expect(apiMetadataProblem(item(zone))).toMatch(reason);
  });

  it('the time zone is judged before the device list (no request needed to quarantine)', () => {
    expect(apiMetadataProblem(item('qui'), devices({ devices: { micros: [] } }))).toMatch(/'qui'/);
  });

  it('a device list needs its devices object; an empty one is usable', () => {
    const zone = item('Europe/Berlin');
    expect(apiMetadataProblem(zone, devices({ system_id: 7, devices: { micros: [] } }))).toBeUndefined();
    expect(
      apiMetadataProblem(zone, devices({ system_id: 7, total_devices: 0, devices: {} })),
    ).toBeUndefined();
    for (const bad of [{ system_id: 7 }, { devices: null }, { devices: [] }, { devices: 'micros' }])
      expect(apiMetadataProblem(zone, devices(bad))).toBe('the device list answer has no devices object');
  });
});

describe('systemInfoProblem', () => {
  const info = (timeZone: string): SystemInfo => ({
    id: 7,
    timeZone,
    operationalAt: null,
    devices: { micros: [], encharges: [], acbs: [], evChargers: [] },
  });

  it('applies the same rule to a stored entry', () => {
    expect(systemInfoProblem(info('Australia/Sydney'))).toBeUndefined();
    expect(systemInfoProblem(info('qui'))).toMatch(/'qui' is not an IANA name/);
    expect(systemInfoProblem({ ...info('UTC'), devices: null as unknown as SystemInfo['devices'] })).toMatch(
      /no device list/,
    );
  });
});
