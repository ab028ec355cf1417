import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { startVictoriaMetrics, type VictoriaMetricsHandle } from './services.js';

describe('startVictoriaMetrics', () => {
  let vm: VictoriaMetricsHandle;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('receives points through the v2 WriteApi and exports them as <measurement>_<field> with tags as labels', async () => {
    // VictoriaMetrics ignores org and bucket, but the client requires them.
    const writeApi = new InfluxDB({ url: vm.url, token: 'unused' }).getWriteApi('org', 'bucket', 's');
    writeApi.writePoints([
      new Point('vmtest_power').tag('system_id', '101').intField('watts', 1500).timestamp(1700000000),
      new Point('vmtest_power').tag('system_id', '101').intField('watts', 1600).timestamp(1700000300),
      new Point('vmtest_power').tag('system_id', '102').intField('watts', 900).timestamp(1700000000),
    ]);
    await writeApi.close();

    const samples = await vm.exportSeries('{__name__="vmtest_power_watts"}');
    expect(samples.map((s) => ({ metric: s.metric, values: s.values, timestamps: s.timestamps }))).toEqual([
      {
        metric: { __name__: 'vmtest_power_watts', system_id: '101' },
        values: [1500, 1600],
        timestamps: [1700000000000, 1700000300000],
      },
      {
        metric: { __name__: 'vmtest_power_watts', system_id: '102' },
        values: [900],
        timestamps: [1700000000000],
      },
    ]);
  });
});

describe('startVictoriaMetrics kill and start', () => {
  it('is unreachable while killed and keeps flushed data after start()', async () => {
    const vm = await startVictoriaMetrics();
    try {
      const write = await fetch(`${vm.url}/write`, {
        method: 'POST',
        body: 'vmoutage,system_id=1 watts=42 1700000000000000000',
      });
      expect(write.status).toBe(204);
      expect(await vm.exportSeries('{__name__="vmoutage_watts"}')).toHaveLength(1); // flushes too

      await vm.kill();
      await expect(fetch(`${vm.url}/health`)).rejects.toThrow();
      await vm.start();

      const samples = await vm.exportSeries('{__name__="vmoutage_watts"}');
      expect(samples).toEqual([
        { metric: { __name__: 'vmoutage_watts', system_id: '1' }, values: [42], timestamps: [1700000000000] },
      ]);
    } finally {
      await vm.stop();
    }
  });
});
