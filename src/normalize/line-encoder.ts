// DataPoints → line protocol as UTF-8 bytes, written straight into a reused buffer: the bytes of
// toLineProtocol's lines joined by `\n` (a test holds them equal, point for point), with the same
// checks and errors, but without a string per line. A line built as a string allocated ~430 bytes
// of garbage (its pieces, its number strings, the flat copy) and was then copied into the loader's
// bytes anyway: over a backfill that was a third of everything the process allocated, and the
// more it allocates, the more often V8 scavenges and the more of what is briefly alive (requests
// in flight) it promotes to the old space.
import type { EncodedLines } from '../loaders/contract.js';
import { checkFieldCount, compiledFor, fieldValue, headBytes } from './line-protocol.js';
import type { DataPoint } from './point.js';

const FIRST_BYTES = 16 * 1024;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const LETTER_I = 0x69;
/** Room for a safe integer's digits and its sign. */
const INT_BYTES = 17;

/**
 * One encoder per writer that awaits each write before the next encode: the bytes it returns are
 * a view of its buffer, valid until its next encode (the loader copies them before its write
 * resolves).
 */
export class LineEncoder {
  private buffer = Buffer.allocUnsafeSlow(FIRST_BYTES);
  private at = 0;

  /**
   * The lines of points[from, to) as bytes. Throws LineProtocolError as toLineProtocol does, for
   * the first point it refuses (and then nothing of the call is returned).
   */
  encode(points: readonly DataPoint[], from = 0, to = points.length): EncodedLines {
    const end = Math.min(to, points.length);
    this.at = 0;
    for (let i = from; i < end; i++) {
      if (i > from) this.byte(NEWLINE);
      this.line(points[i] as DataPoint);
    }
    return { bytes: this.buffer.subarray(0, this.at), lines: Math.max(0, end - from) };
  }

  private line(point: DataPoint): void {
    const compiled = compiledFor(point);
    this.bytes(headBytes(point, compiled));
    const fields = point.fields;
    const declared = compiled.fields;
    let written = 0;
    for (let i = 0; i < declared.length; i++) {
      const field = declared[i]!;
      const value = fields[field.key];
      if (value === undefined) continue;
      this.byte(written === 0 ? SPACE : COMMA);
      this.bytes(field.prefixBytes);
      // The common case without a string: an integer for an int field.
      if (field.type === 'int' && typeof value === 'number' && Number.isSafeInteger(value)) {
        this.int(value);
        this.byte(LETTER_I);
      } else {
        this.text(fieldValue(point.measurement, field, value));
      }
      written++;
    }
    checkFieldCount(point, compiled, written);
    this.byte(SPACE);
    this.int(point.time);
  }

  /** A safe integer's decimal digits, as String() writes them (-0 is 0). */
  private int(value: number): void {
    this.room(INT_BYTES);
    const buffer = this.buffer;
    let v = value;
    if (v < 0) {
      buffer[this.at++] = MINUS;
      v = -v;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    const end = this.at + digits;
    let pos = end;
    do {
      const q = Math.floor(v / 10);
      buffer[--pos] = ZERO + (v - q * 10);
      v = q;
    } while (v > 0);
    this.at = end;
  }

  private text(value: string): void {
    this.room(value.length * 3);
    this.at += this.buffer.write(value, this.at, 'utf8');
  }

  private bytes(value: Buffer): void {
    this.room(value.length);
    this.buffer.set(value, this.at);
    this.at += value.length;
  }

  private byte(value: number): void {
    this.room(1);
    this.buffer[this.at++] = value;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
  }
}
