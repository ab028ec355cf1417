// toLineProtocol: types from the schema, escaping by the client library, sorted tags, and lines
// that decode back to the point they came from.
import { Point } from '@influxdata/influxdb-client';
import fc from 'fast-check';
import { LineProtocolError, sanitizeTagValue, toLineProtocol } from '../../src/normalize/line-protocol.js';
import type { DataPoint } from '../../src/normalize/point.js';

/**
 * A test-only reader of one line, following InfluxDB's parser: `\` escapes `,`, `=` and space in
 * names and tag values; string fields are quoted with `\"` and `\\` escaped.
 */
function decode(line: string): {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, string>;
  time: string;
} {
  let i = 0;
  const readName = (stops: string): string => {
    let out = '';
    while (i < line.length && !stops.includes(line[i]!)) {
      if (line[i] === '\\' && i + 1 < line.length && ', ='.includes(line[i + 1]!)) {
        out += line[i + 1];
        i += 2;
      } else out += line[i++];
    }
    return out;
  };
  const measurement = readName(', ');
  const tags: Record<string, string> = {};
  while (line[i] === ',') {
    i++;
    const key = readName('=');
    i++;
    tags[key] = readName(', ');
  }
  i++; // space
  const fields: Record<string, string> = {};
  for (;;) {
    const key = readName('=');
    i++;
    let value = '';
    if (line[i] === '"') {
      i++;
      while (line[i] !== '"') {
        if (line[i] === '\\') i++;
        value += line[i++];
      }
      i++;
      value = `"${value}`;
    } else {
      while (line[i] !== ',' && line[i] !== ' ') value += line[i++];
    }
    fields[key] = value;
    if (line[i] === ' ') break;
    i++;
  }
  return { measurement, tags, fields, time: line.slice(i + 1) };
}

const point = (over: Partial<DataPoint>): DataPoint => ({
  measurement: 'micro',
  tags: { system_id: '7', serial: 'S1' },
  fields: { energy_wh: 12 },
  time: 1_700_000_100,
  ...over,
});

describe('toLineProtocol', () => {
  it('writes int fields with i, sorted tags and fields, time in seconds', () => {
    expect(toLineProtocol(point({ fields: { power_w: 250, energy_wh: 21 } }))).toBe(
      'micro,serial=S1,system_id=7 energy_wh=21i,power_w=250i 1700000100',
    );
  });

  it('writes a float field as a float even when the value is integral', () => {
    const line = toLineProtocol({
      measurement: 'ev_charger_session',
      tags: { system_id: '1', serial: 'E' },
      fields: { miles_added: 14, cost: 0.5, duration_s: 11497 },
      time: 1700059683,
    });
    expect(line).toBe(
      'ev_charger_session,serial=E,system_id=1 cost=0.5,duration_s=11497i,miles_added=14 1700059683',
    );
  });

  it('escapes odd tag values, and quotes and backslashes in string fields', () => {
    const line = toLineProtocol({
      measurement: 'ev_charger_event',
      tags: { system_id: '1', serial: 'a b,c=d' },
      fields: { details: 'said "hi" \\ bye', status: 'Info' },
      time: 5,
    });
    expect(line).toBe(
      'ev_charger_event,serial=a\\ b\\,c\\=d,system_id=1 details="said \\"hi\\" \\\\ bye",status="Info" 5',
    );
    expect(decode(line)).toEqual({
      measurement: 'ev_charger_event',
      tags: { serial: 'a b,c=d', system_id: '1' },
      fields: { details: '"said "hi" \\ bye', status: '"Info' },
      time: '5',
    });
  });

  it('writes booleans as true/false', () => {
    expect(
      toLineProtocol({
        measurement: 'alarms',
        tags: { system_id: '1', alarm_id: '9' },
        fields: { cleared: false },
        time: 0,
      }),
    ).toBe('alarms,alarm_id=9,system_id=1 cleared=false 0');
  });

  it('replaces control characters and a trailing run of backslashes in tag values (docs/schema.md)', () => {
    expect(sanitizeTagValue('Relay\\')).toBe('Relay\uff3c');
    expect(sanitizeTagValue('x\\\\')).toBe('x\uff3c\uff3c');
    expect(sanitizeTagValue('a\\b\\,c')).toBe('a\\b\\,c');
    expect(sanitizeTagValue('one\ntwo\tthree\r\u0000\u001f\u007f')).toBe('one two three    ');
    expect(sanitizeTagValue('😀 e\u0301 "q" \'s\' a=b,c')).toBe('😀 e\u0301 "q" \'s\' a=b,c');
    const line = toLineProtocol(point({ tags: { system_id: '1', serial: 'NC1\\' } }));
    expect(line).toBe('micro,serial=NC1\uff3c,system_id=1 energy_wh=12i 1700000100');
  });

  it('keeps a line on one line when a string field holds a line break', () => {
    const line = toLineProtocol({
      measurement: 'ev_charger_event',
      tags: { system_id: '1' },
      fields: { details: 'one\r\ntwo\nthree' },
      time: 1,
    });
    expect(line).toBe('ev_charger_event,system_id=1 details="one two three" 1');
  });

  it.each([
    ['an unknown measurement', point({ measurement: 'nope' })],
    ['an undeclared field', point({ fields: { energy_wh: 1, wh_del: 2 } })],
    ['an undeclared tag', point({ tags: { system_id: '1', color: 'red' } })],
    ['a fraction in an int field', point({ fields: { energy_wh: 1.5 } })],
    ['a string in an int field', point({ fields: { energy_wh: '1' } })],
    ['NaN', point({ fields: { energy_wh: Number.NaN } })],
    ['no fields', point({ fields: {} })],
    ['a fractional time', point({ time: 1.5 })],
  ])('refuses %s', (_label, bad) => {
    expect(() => toLineProtocol(bad)).toThrow(LineProtocolError);
  });

  // Printable text without a trailing backslash: what a tag or string value can be.
  const text = fc
    .string({ unit: fc.constantFrom(...'abc XYZ019,= "\\\'_-.:/é€'.split('')), minLength: 1, maxLength: 12 })
    .filter((s) => !s.endsWith('\\'));

  it('decodes back to the point (property)', () => {
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.nat(),
        (serial, name, details, wh, cost, time) => {
          const session = toLineProtocol({
            measurement: 'ev_charger_session',
            tags: { system_id: name, serial },
            fields: { end_time: wh, cost },
            time,
          });
          expect(decode(session)).toEqual({
            measurement: 'ev_charger_session',
            tags: { serial, system_id: name },
            fields: { cost: String(cost), end_time: `${wh}i` },
            time: String(time),
          });
          const event = toLineProtocol({
            measurement: 'ev_charger_event',
            tags: { system_id: name },
            fields: { details },
            time,
          });
          expect(decode(event).fields).toEqual({ details: `"${details}` });
        },
      ),
    );
  });

  it('matches the client library Point byte for byte (property)', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: -1e9, max: 1e9 }), fc.nat(), (serial, status, wh, time) => {
        const ours = toLineProtocol({
          measurement: 'ev_charger',
          tags: { system_id: '42', serial },
          fields: { status, last_report_at: wh },
          time,
        });
        const theirs = new Point('ev_charger')
          .tag('system_id', '42')
          .tag('serial', serial)
          .stringField('status', status)
          .intField('last_report_at', wh)
          .timestamp(String(time))
          .toLineProtocol();
        expect(ours).toBe(theirs);
      }),
    );
  });
});
