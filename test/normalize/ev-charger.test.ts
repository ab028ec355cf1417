// EV charger sessions: `energy_added` arrives in kWh (the spec's example 14.83 with a 2-hour
// charge, and the simulator), and is written as whole watt-hours so the unit matches the name.
import { NormalizeError } from '../../src/normalize/body-readers.js';
import { toLineProtocol } from '../../src/normalize/line-protocol.js';
import { normalizeEvChargerSessions } from '../../src/normalize/ev-charger.js';

const ctx = { systemId: 9, serial: 'EV1' };
// The spec's ChargeSessionDetail example.
const example = {
  start_time: 1700059683,
  end_time: 1700071180,
  duration: 11497,
  energy_added: 14.83,
  charge_time: 7080,
  miles_added: 1.2,
  cost: 0.5,
};

describe('normalizeEvChargerSessions', () => {
  it('writes energy_added (kWh) as integer energy_added_wh', () => {
    const [point] = normalizeEvChargerSessions({ count: 1, system_id: 9, sessions: [example] }, ctx);
    expect(point?.fields.energy_added_wh).toBe(14_830);
    expect(toLineProtocol(point!)).toContain('energy_added_wh=14830i');
  });

  it('omits a null energy_added instead of writing 0', () => {
    const session = { ...example, energy_added: null } as unknown as typeof example;
    const [point] = normalizeEvChargerSessions({ count: 1, system_id: 9, sessions: [session] }, ctx);
    expect(point?.fields).not.toHaveProperty('energy_added_wh');
    expect(point?.fields.duration_s).toBe(11497);
  });

  it('refuses a body without the serial it belongs to', () => {
    expect(() =>
      normalizeEvChargerSessions({ count: 0, system_id: 9, sessions: [] }, { systemId: 9 }),
    ).toThrow(NormalizeError);
  });
});
