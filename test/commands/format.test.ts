import fc from 'fast-check';
import { int, num } from '../../src/commands/format.js';

// int and num group digits by hand so that `status` and `plan` never load Intl's number data;
// what they print must stay what toLocaleString('en-US') prints, which they replaced.
/** The next double after `x` towards `to` (Math.nextafter). */
function nextDouble(x: number, to: number): number {
  if (Number.isNaN(x) || x === to) return x;
  if (x === 0) return to > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, to > x === x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

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
    // Just below a half-hundredth, where n * 100 as a double would land on x.5 and round up.
    for (const [n, text] of [
      [0.46499999999999997, '0.46'],
      [1.4849999999999999, '1.48'],
      [-0.46499999999999997, '-0.46'],
      [7808431152815.1045, '7,808,431,152,815.1'],
    ] as const) {
      expect(num(n)).toBe(text);
      expect(intlNum(n)).toBe(text);
    }
    const nearHalves = fc
      .tuple(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.integer({ min: -3, max: 3 }))
      .map(([k, steps]) => {
        let n = (k + 0.5) / 100;
        // A few doubles either side of the nearest double to k/100 + 0.005.
        for (let i = 0; i < Math.abs(steps); i += 1) n = nextDouble(n, steps > 0 ? Infinity : -Infinity);
        return n;
      });
    fc.assert(
      fc.property(nearHalves, (n) => num(n) === intlNum(n)),
      { numRuns: 20_000 },
    );
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
