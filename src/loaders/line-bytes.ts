// Lines kept as the bytes of their request body rather than as strings. A line waits in the
// loader's buffer until its batch is acknowledged — long enough for V8 to move it to the old space,
// which then grows by every line written, and joining a batch made one more large string each
// time. Copied into a byte buffer as it is handed in, a line's string dies young; the buffers live
// outside the V8 heap and are reused from batch to batch (BufferPool), so their memory is bounded
// by the number of batches the loader may hold, not by the lines it ever wrote.

/** The first size of a pooled buffer; it doubles as a batch needs more. */
const FIRST_BYTES = 64 * 1024;
/** A buffer grown larger than this (very long lines) is not kept for reuse. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

/** Byte buffers for batch bodies, kept for reuse: at most `keep` of them. */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly keep: number) {}

  take(minBytes = FIRST_BYTES): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buffer = this.free[i] as Buffer;
      if (buffer.length >= minBytes) {
        this.free.splice(i, 1);
        return buffer;
      }
    }
    // Not from Node's shared slab: each buffer is released on its own.
    return Buffer.allocUnsafeSlow(Math.max(minBytes, FIRST_BYTES));
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep && buffer.length <= MAX_KEPT_BYTES) this.free.push(buffer);
  }
}

/** A batch as bytes: its lines, UTF-8, separated by `\n`. */
export interface ByteBatch {
  /** The request body (a view of `buffer`). */
  body: Buffer;
  lines: number;
  /** The pooled buffer behind `body`, given back once the batch is settled. */
  buffer: Buffer;
}

/** Lines gathered into one pooled buffer until the batch is cut. */
export class LineBytes {
  private buffer: Buffer | undefined;
  private bytes = 0;
  /** Lines gathered so far. */
  lines = 0;

  constructor(private readonly pool: BufferPool) {}

  append(line: string): void {
    // At most 3 bytes per UTF-16 unit, and the separator: measured exactly only near the end.
    let buffer = this.buffer ?? (this.buffer = this.pool.take());
    if (this.bytes + line.length * 3 + 1 > buffer.length) {
      const needed = this.bytes + Buffer.byteLength(line, 'utf8') + 1;
      if (needed > buffer.length) buffer = this.grow(needed);
    }
    if (this.lines > 0) buffer[this.bytes++] = NEWLINE;
    this.bytes += buffer.write(line, this.bytes, 'utf8');
    this.lines++;
  }

  /** `lines` lines already encoded: src[start, end), separated by `\n`. */
  appendBytes(src: Buffer, start: number, end: number, lines: number): void {
    let buffer = this.buffer ?? (this.buffer = this.pool.take());
    const needed = this.bytes + (end - start) + 1;
    if (needed > buffer.length) buffer = this.grow(needed);
    if (this.lines > 0) buffer[this.bytes++] = NEWLINE;
    this.bytes += src.copy(buffer, this.bytes, start, end);
    this.lines += lines;
  }

  /** The lines so far as a batch; gathering starts again on another buffer. */
  cut(): ByteBatch | undefined {
    const buffer = this.buffer;
    if (buffer === undefined || this.lines === 0) return undefined;
    const batch = { body: buffer.subarray(0, this.bytes), lines: this.lines, buffer };
    this.buffer = undefined;
    this.bytes = 0;
    this.lines = 0;
    return batch;
  }

  private grow(needed: number): Buffer {
    const old = this.buffer as Buffer;
    const larger = this.pool.take(Math.max(needed, old.length * 2));
    old.copy(larger, 0, 0, this.bytes);
    // The smaller one is not kept: the pool would hand it out only to have it grown again.
    this.buffer = larger;
    return larger;
  }
}

/** Where the `count`-th line from `start` ends in `bytes` (the offset of its `\n`). */
export function endOfLines(bytes: Buffer, start: number, count: number): number {
  let end = start - 1;
  for (let i = 0; i < count; i++) {
    end = bytes.indexOf(NEWLINE, end + 1);
    if (end < 0) return bytes.length;
  }
  return end;
}

/** A body's lines as strings again: to bisect a batch InfluxDB refused, or to log a bad line. */
export function linesOf(body: Buffer): string[] {
  return body.length === 0 ? [] : body.toString('utf8').split('\n');
}

/** Lines as a body (the halves of a refused batch, a rare path: not pooled). */
export function bodyOf(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join('\n'), 'utf8');
}
