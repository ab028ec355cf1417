// Shared by the loader tests: a logger whose entries a test can read, and line protocol built with
// the client library's Point (never by hand).
import { Writable } from 'node:stream';
import { Point } from '@influxdata/influxdb-client';
import type { Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function capturingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', name: 'test' }, sink), entries };
}

export function influxConfig(overrides: Partial<Config['influx']>): Config['influx'] {
  return { url: 'http://127.0.0.1:1', api: 'v1', bucket: 'enphase', database: 'enphase', ...overrides };
}

/** The value a test point carries: a deterministic function of (system, time, revision). */
export function energyOf(systemId: number, time: number, revision = 0): number {
  return ((systemId * 7_919 + Math.floor(time / 300)) % 5_000) + revision;
}

/**
 * 5-minute production points of one system from `fromSec`, `count` of them: an integer, a float, a
 * string and a boolean field, and a tag value that needs escaping.
 */
export function productionLines(systemId: number, fromSec: number, count: number, revision = 0): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = fromSec + i * 300;
    const energy = energyOf(systemId, time, revision);
    lines.push(
      new Point('production')
        .tag('system_id', String(systemId))
        .tag('source', 'micro, roof=A')
        .intField('energy_wh', energy)
        .floatField('power_w', energy * 12 + 0.25)
        .stringField('note', `p "${i}"`)
        .booleanField('complete', i % 2 === 0)
        .timestamp(time)
        .toLineProtocol() as string,
    );
  }
  return lines;
}

/**
 * Every kind of string the API can send (docs/schema.md, "Escaping"): [sent, read back as a tag
 * value, read back as a string field]. Tag values are sanitised by the documented rule; string
 * fields keep every character.
 */
export const HOSTILE_STRINGS: ReadonlyArray<readonly [string, string, string]> = [
  ['Relay, 1', 'Relay, 1', 'Relay, 1'],
  ['pool pump', 'pool pump', 'pool pump'],
  ['mode=eco', 'mode=eco', 'mode=eco'],
  ['say "hi"', 'say "hi"', 'say "hi"'],
  ["it's", "it's", "it's"],
  ['two\nlines', 'two lines', 'two lines'],
  ['cr\r\nlf', 'cr  lf', 'cr lf'],
  ['tab\there', 'tab here', 'tab\there'],
  ['NC1\\', 'NC1\uff3c', 'NC1\\'],
  ['C:\\dir\\\\', 'C:\\dir\uff3c\uff3c', 'C:\\dir\\\\'],
  ['back\\,slash\\ x\\=y', 'back\\,slash\\ x\\=y', 'back\\,slash\\ x\\=y'],
  ['nul\u0000bell\u0007del\u007f', 'nul bell del ', 'nul\u0000bell\u0007del\u007f'],
  ['😀 Garage é e\u0301 中文 \u2028', '😀 Garage é e\u0301 中文 \u2028', '😀 Garage é e\u0301 中文 \u2028'],
];
