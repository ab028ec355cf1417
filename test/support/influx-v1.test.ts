import { startInfluxV1, type InfluxV1Handle } from './services.js';

async function writeLines(handle: InfluxV1Handle, lines: string[]): Promise<void> {
  const url = `${handle.url}/write?db=${encodeURIComponent(handle.database)}&precision=s`;
  const response = await fetch(url, { method: 'POST', body: lines.join('\n') });
  const text = await response.text();
  if (response.status !== 204) throw new Error(`write failed with ${response.status}: ${text}`);
}

describe('startInfluxV1', () => {
  let first: InfluxV1Handle;
  let second: InfluxV1Handle;

  beforeAll(async () => {
    [first, second] = await Promise.all([startInfluxV1(), startInfluxV1()]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('round-trips line protocol through /write and query()', async () => {
    await writeLines(first, [
      'pv_power,system_id=101 watts=1500i,energy_wh=12.5 1700000000',
      'pv_power,system_id=102 watts=900i,energy_wh=7.25 1700000300',
    ]);
    const series = await first.query('SELECT watts, energy_wh FROM pv_power GROUP BY system_id');
    expect(series).toEqual([
      {
        name: 'pv_power',
        tags: { system_id: '101' },
        columns: ['time', 'watts', 'energy_wh'],
        values: [[1700000000, 1500, 12.5]],
      },
      {
        name: 'pv_power',
        tags: { system_id: '102' },
        columns: ['time', 'watts', 'energy_wh'],
        values: [[1700000300, 900, 7.25]],
      },
    ]);
  });

  it('stores a point written twice (same series and time) once, with the last value', async () => {
    await writeLines(first, ['overwrite,system_id=7 watts=5i 1700000600']);
    await writeLines(first, ['overwrite,system_id=7 watts=7i 1700000600']);
    const series = await first.query('SELECT watts FROM overwrite');
    expect(series).toEqual([{ name: 'overwrite', columns: ['time', 'watts'], values: [[1700000600, 7]] }]);
  });

  it('gives each handle its own database', async () => {
    expect(second.database).not.toBe(first.database);
    await writeLines(second, ['only_in_second value=1i 1700000000']);
    expect(await second.query('SELECT value FROM only_in_second')).toHaveLength(1);
    expect(await first.query('SELECT value FROM only_in_second')).toEqual([]);
    expect(await second.query('SELECT watts FROM pv_power')).toEqual([]);
  });

  it('throws on an InfluxQL error instead of returning nothing', async () => {
    await expect(first.query('SELEKT nonsense')).rejects.toThrow(/InfluxDB rejected/);
  });
});

describe('startInfluxV1 kill and start', () => {
  it('keeps data written before a kill, and refuses writes while killed', async () => {
    const handle = await startInfluxV1();
    try {
      await writeLines(handle, ['outage,system_id=1 watts=42i 1700000000']);
      await handle.kill();
      await expect(writeLines(handle, ['outage,system_id=1 watts=43i 1700000300'])).rejects.toThrow();
      await handle.start();
      const series = await handle.query('SELECT watts FROM outage');
      expect(series).toEqual([{ name: 'outage', columns: ['time', 'watts'], values: [[1700000000, 42]] }]);
    } finally {
      await handle.stop();
    }
  });
});
