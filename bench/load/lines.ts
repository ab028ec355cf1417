// The benchmark's points: 5-minute production points of many systems, built with Point.
import { Point } from '@influxdata/influxdb-client';

/**
 * toLineProtocol() returns a rope of concatenated pieces; whoever first reads it as bytes pays to
 * flatten it (~1.5 µs a line). That is serialization cost, paid before curl's timing starts (the
 * batch files are written beforehand), so the loader's timing starts with flat strings too.
 */
function flat(line: string): string {
  return Buffer.from(line, 'utf8').toString('utf8');
}

export const FROM = 1_699_920_000;

/** `count` lines of one system from FROM: an integer and a float field, two tags. */
export function systemLines(systemId: number, count: number, offset = 0): string[] {
  const lines: string[] = [];
  for (let i = offset; i < offset + count; i++) {
    const energy = (systemId * 31 + i) % 5_000;
    lines.push(
      new Point('production')
        .tag('system_id', String(systemId))
        .tag('source', 'micro')
        .intField('energy_wh', energy)
        .floatField('power_w', energy * 12.5 + 0.25)
        .intField('devices_reporting', 24)
        .timestamp(FROM + i * 300)
        .toLineProtocol() as string,
    );
    lines[lines.length - 1] = flat(lines[lines.length - 1] as string);
  }
  return lines;
}
