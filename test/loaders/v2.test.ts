// The v2 transport (@influxdata/influxdb-client's WriteApi) against a real /api/v2/write:
// VictoriaMetrics. It keeps duplicate samples, so overwrite semantics are tested on influxd (v1.test.ts);
// here: every point arrives with its tags and values, through an outage too.
import { Point } from '@influxdata/influxdb-client';
import { createLoader } from '../../src/loaders/index.js';
import { startVictoriaMetrics, type VictoriaMetricsHandle } from '../support/services.js';
import { toLineProtocol } from '../../src/normalize/line-protocol.js';
import { capturingLogger, energyOf, HOSTILE_STRINGS, influxConfig } from './helpers.js';

const FROM = 1_700_000_100 - (1_700_000_100 % 300);

function meterLines(systemId: number, from: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new Point('rgm_meter')
        .tag('system_id', String(systemId))
        .tag('meter_serial', `M ${systemId},A=1`)
        .intField('energy_wh', energyOf(systemId, from + i * 900))
        .floatField('power_w', energyOf(systemId, from + i * 900) * 4 + 0.5)
        .timestamp(from + i * 900)
        .toLineProtocol() as string,
  );
}

describe('v2 loader against VictoriaMetrics /api/v2/write', () => {
  let vm: VictoriaMetricsHandle;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  function loader(options: Parameters<typeof createLoader>[1] = {}) {
    const log = capturingLogger();
    return {
      entries: log.entries,
      loader: createLoader(
        influxConfig({ api: 'v2', url: vm.url, token: 't', org: 'o', bucket: 'b' }),
        { flushIntervalMs: 50, backoff: { baseMs: 50, capMs: 300 }, ...options },
        log.logger,
      ),
    };
  }

  it('delivers every point with its tags and values, gzipped or not', async () => {
    const { loader: writer } = loader({ batchSize: 400, gzipThresholdBytes: 20_000 });
    const systems = [401, 402, 403];
    for (const id of systems) await writer.write(meterLines(id, FROM, 672));
    await writer.flush();
    await writer.close();

    const energy = await vm.exportSeries('{__name__="rgm_meter_energy_wh"}');
    const power = await vm.exportSeries('{__name__="rgm_meter_power_w"}');
    const times = Array.from({ length: 672 }, (_, i) => FROM + i * 900);
    expect(energy.map((s) => s.metric)).toEqual(
      systems.map((id) => ({
        __name__: 'rgm_meter_energy_wh',
        system_id: String(id),
        meter_serial: `M ${id},A=1`,
      })),
    );
    systems.forEach((id, index) => {
      expect(energy[index]?.timestamps).toEqual(times.map((t) => t * 1_000));
      expect(energy[index]?.values).toEqual(times.map((t) => energyOf(id, t)));
      expect(power[index]?.values).toEqual(times.map((t) => energyOf(id, t) * 4 + 0.5));
    });
  });

  it('round-trips every string the API can send as a tag (docs/schema.md), as on InfluxDB 1.x', async () => {
    // VictoriaMetrics keeps numbers only, so the strings travel as tags here; string fields are
    // checked on influxd (v1.test.ts).
    const { loader: writer } = loader();
    await writer.write(
      HOSTILE_STRINGS.map(([sent], i) =>
        toLineProtocol({
          measurement: 'load_control',
          tags: { system_id: '950', name: sent },
          fields: { soc_low_pct: i },
          time: FROM + i,
        }),
      ),
    );
    await writer.flush();
    await writer.close();
    const series = await vm.exportSeries('{__name__="load_control_soc_low_pct",system_id="950"}');
    const readBack = new Map(series.map((s) => [s.values[0], s.metric['name']]));
    HOSTILE_STRINGS.forEach(([sent, tag], i) => {
      // VictoriaMetrics' own parser does not store a line whose tag value holds a backslash
      // before an escaped comma (influxd 1.x reads it back, v1.test.ts): a quirk of this stand-in.
      if (sent.includes('\\,')) expect(readBack.has(i)).toBe(false);
      else expect(readBack.get(i)).toBe(tag);
    });
    expect(series).toHaveLength(HOSTILE_STRINGS.length - 1);
  });

  it('rides out a VictoriaMetrics outage: flush waits, then every point arrives', async () => {
    const { loader: writer, entries } = loader({ batchSize: 100 });
    await writer.write(meterLines(501, FROM, 100));
    await writer.flush();
    await vm.kill();
    await writer.write(meterLines(501, FROM + 100 * 900, 200));
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(flushed).toBe(false);
    await vm.start();
    await flushing;
    await writer.close();

    const [series] = await vm.exportSeries('{__name__="rgm_meter_energy_wh",system_id="501"}');
    expect(series?.timestamps).toEqual(Array.from({ length: 300 }, (_, i) => (FROM + i * 900) * 1_000));
    expect(writer.stats()).toMatchObject({ delivered: 300, dropped: 0 });
    expect(writer.stats().retries).toBeGreaterThan(0);
    expect(entries.some((e) => e.msg === 'InfluxDB write failed; retrying')).toBe(true);
  });
});
