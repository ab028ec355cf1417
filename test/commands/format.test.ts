import fc from 'fast-check';
import { int, num } from '../../src/commands/format.js';

// int and num group digits by hand so that `status` and `plan` never load Intl's number data;
// what they print must stay what toLocaleString('en-US') prints, which they replaced.
const intlInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const intlNum = (n: number): string =>
  Number.isInteger(n) ? intlInt(n) : n.toLocaleString('en-US', { maximumFractionDigits: 2 });

describe('number formatting without Intl', () => {
  it('int groups whole numbers and rounds others as toLocaleString does', () => {
    for (const n of [0, -0, 7, 999, 1000, -1000, 12_345, 1_234_567, 999_999.5, -0.4, 2 ** 53, 1e20])
      expect(int(n)).toBe(intlInt(n));
    fc.assert(
      fc.property(fc.double({ min: -1e20, max: 1e20, noNaN: true }), (n) => int(n) === intlInt(n)),
      { numRuns: 5_000 },
    );
  });

  it('num keeps at most two decimals, rounding the shortest decimal half away from zero', () => {
    const cases: [number, string][] = [
      [1.005, '1.01'],
      [2.675, '2.68'],
      [0.125, '0.13'],
      [999.995, '1,000'],
      [1234.5, '1,234.5'],
      [-1234.567, '-1,234.57'],
      [0.004, '0'],
      [-0.004, '-0'],
      [1e-7, '0'],
      [123_456_789.99, '123,456,789.99'],
    ];
    for (const [n, text] of cases) {
      expect(num(n)).toBe(text);
      expect(intlNum(n)).toBe(text);
    }
    // Doubles of every magnitude, and decimals with few digits (where halves are common).
    const decimals = fc
      .tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.constantFrom(1, 10, 100, 1000, 10_000))
      .map(([k, d]) => k / d);
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -1e14, max: 1e14, noNaN: true }), decimals),
        (n) => num(n) === intlNum(n),
      ),
      { numRuns: 20_000 },
    );
  });

  it('leaves what is not a finite number of ordinary size to Intl', () => {
    for (const n of [NaN, Infinity, -Infinity, 1e21, -3e25]) {
      expect(int(n)).toBe(intlInt(n));
      expect(num(n)).toBe(intlNum(n));
    }
  });
});
