// The v1 transport against a real InfluxDB 1.x: exact round trip, idempotency, bad lines.
import { Point } from '@influxdata/influxdb-client';
import { createLoader, type LineWriter } from '../../src/loaders/index.js';
import { toLineProtocol } from '../../src/normalize/line-protocol.js';
import { startInfluxV1, type InfluxV1Handle } from '../support/services.js';
import { capturingLogger, energyOf, HOSTILE_STRINGS, influxConfig, productionLines } from './helpers.js';

const FROM = 1_700_000_100 - (1_700_000_100 % 300);

describe('v1 loader against InfluxDB 1.x', () => {
  let influx: InfluxV1Handle;
  const loaders: LineWriter[] = [];

  beforeAll(async () => {
    influx = await startInfluxV1();
  });
  afterAll(async () => {
    await Promise.all(loaders.map((l) => l.close({ deadlineMs: 1_000 }).catch(() => undefined)));
    await influx?.stop();
  });

  function loaderFor(database: string, options: Parameters<typeof createLoader>[1] = {}) {
    const log = capturingLogger();
    const loader = createLoader(
      influxConfig({ api: 'v1', url: influx.url, database }),
      { flushIntervalMs: 50, backoff: { baseMs: 20, capMs: 200 }, ...options },
      log.logger,
    );
    loaders.push(loader);
    return { loader, entries: log.entries };
  }

  const query = (database: string, influxql: string) =>
    influx.query(influxql.replaceAll('$db', `"${database}"`));

  it('creates a missing database and reads back every point exactly, with its field types', async () => {
    const database = `${influx.database}_roundtrip`;
    const { loader, entries } = loaderFor(database, { batchSize: 500, gzipThresholdBytes: 10_000 });
    const lines = [...productionLines(101, FROM, 1_200), ...productionLines(102, FROM, 34)];
    await loader.write(lines);
    await loader.flush();

    expect(entries.some((e) => e.msg === 'created the InfluxDB database')).toBe(true);
    const series = await query(
      database,
      'SELECT energy_wh, power_w, note, complete FROM $db..production GROUP BY system_id, source',
    );
    expect(series.map((s) => s.tags)).toEqual([
      { system_id: '101', source: 'micro, roof=A' },
      { system_id: '102', source: 'micro, roof=A' },
    ]);
    for (const [index, systemId, count] of [
      [0, 101, 1_200],
      [1, 102, 34],
    ] as const) {
      const expected = Array.from({ length: count }, (_, i) => {
        const time = FROM + i * 300;
        const energy = energyOf(systemId, time);
        return [time, energy, energy * 12 + 0.25, `p "${i}"`, i % 2 === 0];
      });
      expect(series[index]?.values).toEqual(expected);
    }
    const fieldTypes = await query(database, 'SHOW FIELD KEYS ON $db FROM production');
    expect(fieldTypes[0]?.values).toEqual([
      ['complete', 'boolean'],
      ['energy_wh', 'integer'],
      ['note', 'string'],
      ['power_w', 'float'],
    ]);
    expect(loader.stats()).toMatchObject({ delivered: 1_234, dropped: 0 });
  });

  it('leaves the same points after the same window twice, and a revised value overwrites', async () => {
    const database = `${influx.database}_idempotent`;
    const { loader } = loaderFor(database, { batchSize: 100 });
    const window = productionLines(201, FROM, 288);
    await loader.write(window);
    await loader.flush();
    const once = await query(database, 'SELECT * FROM $db..production');
    await loader.write(window);
    await loader.flush();
    expect(await query(database, 'SELECT * FROM $db..production')).toEqual(once);

    // Enphase revised the last 12 intervals (late-reporting devices): the reload overwrites them.
    await loader.write(productionLines(201, FROM + 276 * 300, 12, 1_000));
    await loader.flush();
    const [revised] = await query(database, 'SELECT energy_wh FROM $db..production');
    expect(revised?.values).toHaveLength(288);
    expect(revised?.values.slice(274, 278)).toEqual(
      [274, 275, 276, 277].map((i) => [FROM + i * 300, energyOf(201, FROM + i * 300, i >= 276 ? 1_000 : 0)]),
    );
  });

  it('round-trips every string the API can send, as a tag and as a string field (docs/schema.md)', async () => {
    const database = `${influx.database}_hostile`;
    const { loader } = loaderFor(database);
    const lines = HOSTILE_STRINGS.map(([sent], i) =>
      toLineProtocol({
        measurement: 'load_control',
        tags: { system_id: '900', name: sent },
        fields: { load_name: sent },
        time: FROM + i,
      }),
    );
    await loader.write(lines);
    await loader.flush();
    expect(loader.stats()).toMatchObject({ delivered: HOSTILE_STRINGS.length, dropped: 0 });
    const [series] = await query(database, 'SELECT "name", load_name FROM $db..load_control');
    expect(series?.columns).toEqual(['time', 'name', 'load_name']);
    expect(series?.values).toEqual(HOSTILE_STRINGS.map(([, tag, field], i) => [FROM + i, tag, field]));
  });

  it('takes lines already encoded: cut into batches at line boundaries, within the bound, read back exactly', async () => {
    const database = `${influx.database}_encoded`;
    const { loader } = loaderFor(database, { batchSize: 500, maxBufferedLines: 1_200 });
    const lines = productionLines(401, FROM, 3_001);
    // Chunks of uneven sizes, none a multiple of the batch, one larger than the whole bound.
    for (const [from, to] of [
      [0, 1],
      [1, 777],
      [777, 2_500],
      [2_500, 3_001],
    ] as const) {
      const chunk = lines.slice(from, to);
      await loader.write({ bytes: Buffer.from(chunk.join('\n'), 'utf8'), lines: chunk.length });
      expect(loader.stats().buffered).toBeLessThanOrEqual(1_200);
    }
    await loader.flush();
    expect(loader.stats()).toMatchObject({ delivered: 3_001, dropped: 0, buffered: 0 });
    const [series] = await query(database, 'SELECT energy_wh, note FROM $db..production');
    expect(series?.values).toEqual(
      Array.from({ length: 3_001 }, (_, i) => [FROM + i * 300, energyOf(401, FROM + i * 300), `p "${i}"`]),
    );
  });

  it.each(['strings', 'encoded'] as const)(
    'logs a field type conflict and a malformed line, and writes the rest of the batch (%s)',
    async (form) => {
      const database = `${influx.database}_badline_${form}`;
      const { loader, entries } = loaderFor(database, { batchSize: 1_000 });
      await loader.write(productionLines(301, FROM, 1));
      await loader.flush();

      const lines = productionLines(301, FROM + 300, 200);
      // energy_wh exists as an integer; a float for it is a type conflict InfluxDB refuses.
      const conflict = new Point('production')
        .tag('system_id', '301')
        .tag('source', 'micro, roof=A')
        .floatField('energy_wh', 1.5)
        .timestamp(FROM + 300 * 500)
        .toLineProtocol() as string;
      const malformed = 'production,system_id=301 energy_wh= 1700000000';
      lines.splice(50, 0, conflict);
      lines.splice(150, 0, malformed);
      await loader.write(
        form === 'strings' ? lines : { bytes: Buffer.from(lines.join('\n'), 'utf8'), lines: lines.length },
      );
      await loader.flush();

      const [series] = await query(database, 'SELECT count(energy_wh) FROM $db..production');
      expect(series?.values[0]?.[1]).toBe(201);
      expect(loader.stats()).toMatchObject({ dropped: 2, delivered: 201 });
      const logged = entries.filter((e) => e.msg.startsWith('InfluxDB rejected a line'));
      expect(logged.map((e) => e.line).sort()).toEqual([conflict, malformed].sort());
      expect(logged.find((e) => e.line === conflict)?.reason).toMatch(/field type conflict/);
      expect(logged.find((e) => e.line === malformed)?.reason).toMatch(/unable to parse|invalid/);
    },
  );
});
