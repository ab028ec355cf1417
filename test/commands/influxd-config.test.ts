// The throwaway InfluxDB 1.x (demo, test harness) takes a fleet's worth of one tag's values: with
// influxd's default limit (100,000 values per tag) the micros of 10,000 systems (`micro.serial`)
// were refused with 400 partial writes.
import { influxdConfig } from '../../src/commands/influxd-config.js';

/** The `key = value` lines of one `[section]` of a TOML text. */
function section(toml: string, name: string): string[] {
  const lines = toml.split('\n');
  const start = lines.indexOf(`[${name}]`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.startsWith('['));
  return lines.slice(start + 1, end < 0 ? undefined : end).map((line) => line.trim());
}

describe('influxdConfig', () => {
  const toml = influxdConfig('/tmp/influx-folder', 18086, 18088);

  it('lifts the limit on values per tag in [data]', () => {
    expect(section(toml, 'data')).toContain('max-values-per-tag = 0');
  });

  it('keeps everything in the folder and on the loopback interface', () => {
    expect(section(toml, 'data')).toContain('dir = "/tmp/influx-folder/data"');
    expect(section(toml, 'http')).toContain('bind-address = "127.0.0.1:18086"');
  });
});
