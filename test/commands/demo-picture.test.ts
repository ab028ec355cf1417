// The demo's terminal picture, drawn without services: sparklines scale to the largest value and
// keep gaps; one line per system with its energy today and time zone.
import { formatPicture, sparkline } from '../../src/commands/demo-picture.js';

describe('sparkline', () => {
  it('scales to the largest value, keeps gaps, and draws nothing but the floor for all zeros', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, null, 14])).toBe('▁ █');
    expect(sparkline([0, 0])).toBe('▁▁');
    expect(sparkline([])).toBe('');
  });
});

describe('formatPicture', () => {
  it('one aligned line per system, with today in kWh and its time zone', () => {
    const lines = formatPicture([
      { id: '1', name: 'Sydney House', timeZone: 'Australia/Sydney', hourly: [0, 10], todayWh: 5_840 },
      { id: '22', name: 'Lab', timeZone: 'UTC', hourly: [null, null], todayWh: null },
    ]);
    expect(lines.slice(2)).toEqual([
      '  1 Sydney House  ▁█    5.8 kWh  (Australia/Sydney)',
      '  22 Lab                      –  (UTC)',
    ]);
  });

  it('says when there is nothing to draw', () => {
    expect(formatPicture([])).toEqual(['', 'Nothing to draw: InfluxDB has no system snapshot yet.']);
  });
});
