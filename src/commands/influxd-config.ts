// The configuration of a throwaway local InfluxDB 1.x (`influxd -config <file>`): everything in one
// folder, listening on the loopback interface only, without phoning home or logging every request.
// The demo starts one this way, and so does the test harness when no other InfluxDB answers.
import { join } from 'node:path';

export function influxdConfig(folder: string, httpPort: number, rpcPort: number): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(folder, 'meta')}"`,
    '[data]',
    `  dir = "${join(folder, 'data')}"`,
    `  wal-dir = "${join(folder, 'wal')}"`,
    '  query-log-enabled = false',
    // The default (100,000 values of one tag) refuses the micros of a fleet above ~5,000 systems
    // (`micro.serial`): new serials' points are refused with a 400 partial write.
    '  max-values-per-tag = 0',
    '[http]',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    '  log-enabled = false',
    '[monitor]',
    '  store-enabled = false',
    '[continuous_queries]',
    '  enabled = false',
    '',
  ].join('\n');
}
