// LineEncoder: the bytes of toLineProtocol's lines joined by `\n`, for every kind of point and
// value, and the same refusals with the same messages.
import fc from 'fast-check';
import { LineEncoder } from '../../src/normalize/line-encoder.js';
import { LineProtocolError, toLineProtocol } from '../../src/normalize/line-protocol.js';
import type { DataPoint } from '../../src/normalize/point.js';

/** What the loader sent before: the lines joined, as UTF-8 (a lone surrogate becomes U+FFFD). */
const joined = (points: readonly DataPoint[]): Buffer =>
  Buffer.from(points.map(toLineProtocol).join('\n'), 'utf8');

// Printable text, with what needs escaping, characters of 2, 3 and 4 UTF-8 bytes, and the halves
// of an emoji split apart (lone surrogates: JSON can carry them).
const text = fc
  .string({
    unit: fc.constantFrom(...'abc XYZ019,= "\\\'_-.:/é€😀\n\t'.split(''), '😀'),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => !s.endsWith('\\'));
const safeInt = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 9, 10, 99, 100, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.maxSafeInteger(),
);

/** Points of several measurements and field types, some sharing a tags object (as series do). */
const points = fc
  .array(
    fc.record({
      serial: text,
      system: fc.nat(),
      time: safeInt,
      wh: safeInt,
      power: fc.integer({ min: -5_000, max: 5_000 }),
      cost: fc.double({ noNaN: true, noDefaultInfinity: true }),
      status: text,
      details: text,
      kind: fc.constantFrom('micro', 'session', 'event', 'charger'),
    }),
    { maxLength: 40 },
  )
  .map((rows) => {
    let shared: Record<string, string> | undefined;
    return rows.map((r, i): DataPoint => {
      const tags = i % 3 === 1 && shared ? shared : { system_id: String(r.system), serial: r.serial };
      shared = tags;
      switch (r.kind) {
        case 'micro':
          return { measurement: 'micro', tags, fields: { power_w: r.power, energy_wh: r.wh }, time: r.time };
        case 'session':
          return {
            measurement: 'ev_charger_session',
            tags,
            fields: { end_time: r.wh, cost: r.cost },
            time: r.time,
          };
        case 'event':
          return {
            measurement: 'ev_charger_event',
            tags: { system_id: tags.system_id! },
            fields: { details: r.details },
            time: r.time,
          };
        case 'charger':
          return {
            measurement: 'ev_charger',
            tags,
            fields: { status: r.status, last_report_at: r.wh },
            time: r.time,
          };
      }
    });
  });

describe('LineEncoder', () => {
  it('writes the bytes of the lines toLineProtocol makes, joined by newlines (property)', () => {
    // One encoder for every run, as a writer keeps one: what an earlier call wrote never shows.
    const encoder = new LineEncoder();
    fc.assert(
      fc.property(points, (batch) => {
        const encoded = encoder.encode(batch);
        expect(encoded.lines).toBe(batch.length);
        expect(encoded.bytes).toEqual(joined(batch));
        // A part of the points: only those lines.
        const part = encoder.encode(batch, 1, 3);
        expect(part.bytes).toEqual(joined(batch.slice(1, 3)));
        expect(part.lines).toBe(batch.slice(1, 3).length);
      }),
    );
  });

  it('grows past its first buffer', () => {
    const tags = { system_id: '1', serial: 'x'.repeat(400) };
    const many: DataPoint[] = Array.from({ length: 2_000 }, (_, i) => ({
      measurement: 'micro',
      tags,
      fields: { power_w: i, energy_wh: -i },
      time: 1_700_000_000 + i * 300,
    }));
    const encoded = new LineEncoder().encode(many);
    expect(encoded.bytes.length).toBeGreaterThan(16 * 1024 * 40);
    expect(encoded.bytes.equals(joined(many))).toBe(true);
  });

  const point = (over: Partial<DataPoint>): DataPoint => ({
    measurement: 'micro',
    tags: { system_id: '1', serial: 'A' },
    fields: { power_w: 1, energy_wh: 2 },
    time: 1_700_000_000,
    ...over,
  });
  it.each([
    ['an undeclared measurement', point({ measurement: 'nope' })],
    ['an undeclared field', point({ fields: { power_w: 1, colour: 2 } })],
    ['an undeclared tag', point({ tags: { system_id: '1', color: 'red' } })],
    ['a fraction in an int field', point({ fields: { energy_wh: 1.5 } })],
    ['a string in an int field', point({ fields: { energy_wh: '1' } })],
    ['NaN', point({ fields: { energy_wh: Number.NaN } })],
    ['no fields', point({ fields: {} })],
    ['a fractional time', point({ time: 1.5 })],
  ])('refuses %s as toLineProtocol does', (_label, bad) => {
    const expected = (() => {
      try {
        toLineProtocol(bad);
      } catch (error) {
        return error as Error;
      }
      throw new Error('toLineProtocol accepted it');
    })();
    expect(expected).toBeInstanceOf(LineProtocolError);
    expect(() => new LineEncoder().encode([point({}), bad])).toThrow(expected.message);
  });
});
