// Text from outside never reaches an operator's terminal as control characters: the pure escaper,
// and `status` for a system the simulator names with every hostile character class (plus an ANSI
// sequence in a failure reason), the one-shot summary and the demo's picture.
import { formatPicture } from '../../src/commands/demo-picture.js';
import { formatSummary } from '../../src/commands/one-shot-command.js';
import { collectStatus } from '../../src/commands/status/collect.js';
import { formatStatus } from '../../src/commands/status/render.js';
import { terminalSafe } from '../../src/commands/terminal-text.js';
import { resolveSystems } from '../../src/jobs/backfill-and-sync.js';
import type { Runtime } from '../../src/jobs/runtime.js';
import { HOSTILE_NAME } from '../../src/simulator/index.js';
import { startE2eWorld, type E2eWorld } from '../e2e/support.js';

/** Anything a terminal interprets: C0 (with ESC), DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const RED_CLEAR = '\u001b[31mred\u001b[2J\u001b]0;owned\u0007';

describe('terminalSafe', () => {
  it('writes control characters out visibly and leaves printable text alone', () => {
    expect(terminalSafe('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(terminalSafe(RED_CLEAR)).toBe('\\e[31mred\\e[2J\\e]0;owned\\x07');
    expect(terminalSafe('\u0001\u007f\u009b')).toBe('\\x01\\x7f\\x9b');
    expect(terminalSafe('evil\u202efdp.exe \u2066x\u2069')).toBe('evil\\u202efdp.exe \\u2066x\\u2069');
    const printable = 'Smith, "Casa" = \'Sol\' Café 🏠⚡ שלום e\u0301 \\ ▁█ –';
    expect(terminalSafe(printable)).toBe(printable);
  });

  it('leaves nothing a terminal obeys, and is idempotent', () => {
    for (const text of [HOSTILE_NAME, RED_CLEAR, '\u0000\u001f\u0085\u061c']) {
      expect(terminalSafe(text)).not.toMatch(CONTROL);
      expect(terminalSafe(terminalSafe(text))).toBe(terminalSafe(text));
    }
  });
});

describe('human-readable outputs', () => {
  let w: E2eWorld;
  let runtime: Runtime;
  beforeAll(async () => {
    w = await startE2eWorld({ systems: 2 });
    runtime = w.runtime();
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await w?.stop();
  });

  it('status shows a hostile system name on one line, escaped; --json keeps it exact', async () => {
    const [hostile, plain] = w.sim.fleet.ids() as [number, number];
    w.sim.setSystemMisbehaviour(hostile, { hostileNames: true });
    await resolveSystems(runtime, 'all');
    await runtime.lastErrors.record(hostile, 'rgm', `ApiError: ${RED_CLEAR}`, w.clock.ms);

    const report = await collectStatus(runtime.redis, runtime.keys, runtime.config, {
      limit: 20,
      now: w.clock.ms,
    });
    expect(report.systems.shown.find((s) => s.id === hostile)?.name).toBe(HOSTILE_NAME);
    expect(JSON.parse(JSON.stringify(report)).systems.shown[0].name).toBe(HOSTILE_NAME);

    const lines = formatStatus(report);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    const header = lines.find((l) => l.startsWith(`System ${hostile} `));
    expect(header).toContain(`"${terminalSafe(HOSTILE_NAME)}"`);
    expect(header).toContain('\\n\\tCafé 🏠⚡ שלום \\x01\\x7f');
    expect(lines.join('\n')).toContain('ApiError: \\e[31mred\\e[2J');
    expect(lines.some((l) => l.startsWith(`System ${plain} `))).toBe(true);
  }, 60_000);

  it('the one-shot summary and the demo picture escape what they print', () => {
    const summary = formatSummary('sync', {
      total: 1,
      completed: [],
      failed: [{ systemId: 1, reason: `BadResponseError: ${RED_CLEAR}\nsecond line` }],
      skipped: new Map([['x', { dataset: 'rgm', systems: 1, reason: `answered 501: ${RED_CLEAR}` }]]),
      windows: 0,
      points: 0,
      hits: 1,
      interrupted: false,
      enqueuedOnly: false,
      durationMs: 10,
    });
    const lines = summary.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(summary).toContain('failed system 1: BadResponseError: \\e[31mred');

    const picture = formatPicture([
      { id: '1', name: HOSTILE_NAME, timeZone: 'UTC', hourly: [0, 2], todayWh: 500 },
      { id: '2', name: 'Plain', timeZone: 'UTC', hourly: [2, 0], todayWh: 400 },
    ]);
    for (const line of picture) expect(line).not.toMatch(CONTROL);
    const rows = picture.filter((l) => /^ {2}\d /.test(l));
    expect(rows).toHaveLength(2);
    // Escaped before padding: the sparklines line up.
    expect(rows[0]!.indexOf('▁')).toBe(rows[1]!.indexOf('█'));
  });
});
