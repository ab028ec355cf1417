// Lines as bytes: a batch body is exactly its lines joined by `\n` in UTF-8, however the lines
// fill and grow the pooled buffer, and a buffer handed back and reused carries nothing over.
import { BufferPool, LineBytes, bodyOf, linesOf } from '../../src/loaders/line-bytes.js';

const lineOf = (i: number): string =>
  // ASCII, two- and three-byte characters and a four-byte one (a surrogate pair), of varying length.
  `m,serial=${'é'.repeat(i % 7)}${'€'.repeat(i % 5)}${i % 11 === 0 ? '😀' : ''} v=${i}i ${'x'.repeat((i * 37) % 300)}`;

test('a batch body is its lines joined by newlines in UTF-8, across growing buffers', () => {
  const pool = new BufferPool(2);
  const gathering = new LineBytes(pool);
  const lines = Array.from({ length: 3_000 }, (_, i) => lineOf(i));
  for (const line of lines) gathering.append(line);
  const batch = gathering.cut();
  expect(batch?.lines).toBe(3_000);
  expect(batch?.body.equals(Buffer.from(lines.join('\n'), 'utf8'))).toBe(true);
  expect(linesOf(batch!.body)).toEqual(lines);
  // Gathering starts again, empty.
  expect(gathering.cut()).toBeUndefined();
  expect(gathering.lines).toBe(0);
});

test('a reused buffer holds only the new batch', () => {
  const pool = new BufferPool(1);
  const gathering = new LineBytes(pool);
  for (let i = 0; i < 500; i++) gathering.append(lineOf(i));
  const first = gathering.cut()!;
  pool.give(first.buffer);
  gathering.append('short 1');
  gathering.append('short 2');
  const second = gathering.cut()!;
  expect(second.buffer).toBe(first.buffer); // the same memory, reused
  expect(second.body.toString('utf8')).toBe('short 1\nshort 2');
  expect(second.lines).toBe(2);
});

test('the pool keeps at most its number of buffers, and hands out one large enough', () => {
  const pool = new BufferPool(2);
  const small = pool.take();
  const large = pool.take(1_000_000);
  const third = pool.take();
  pool.give(small);
  pool.give(large);
  pool.give(third); // beyond what it keeps
  expect(pool.take(500_000)).toBe(large);
  expect(pool.take()).toBe(small);
  expect(pool.take()).not.toBe(third);
});

test('bodyOf and linesOf are inverse for the lines of a refused batch', () => {
  const lines = ['a', 'b ü', 'c€'];
  expect(linesOf(bodyOf(lines))).toEqual(lines);
  expect(linesOf(Buffer.alloc(0))).toEqual([]);
});
