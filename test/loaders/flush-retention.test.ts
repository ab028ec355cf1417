// A long-lived loader (the worker's: one for every job it runs) must not keep anything per flush.
// It did: each flush raced the loader's failure promise, which settles only if the loader stops,
// and every race left a reaction on it that held the flush's promise and its outcomes — in the
// worker ~23 KiB a sync job, 99 MiB of live heap after 3,000 jobs (docs/benchmarks.md, "Fleet").
// Counted in heap snapshots (taken after a full GC), not timed and not by RSS.
import { text } from 'node:stream/consumers';
import v8 from 'node:v8';
import { createLoader, type LineWriter } from '../../src/loaders/index.js';
import { startInfluxV1, type InfluxV1Handle } from '../support/services.js';
import { capturingLogger, influxConfig, productionLines } from './helpers.js';

const FROM = 1_700_000_100 - (1_700_000_100 % 300);
const FLUSHES = 300;

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Pending promise reactions (a `then` or `await` not yet run) in the whole isolate after a full GC:
 * V8's heap snapshot collects first, and sees every context (jest's too, unlike queryObjects).
 */
async function liveReactions(): Promise<number> {
  const snapshot = JSON.parse(await text(v8.getHeapSnapshot())) as HeapSnapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const [typeAt, nameAt] = [fields.indexOf('type'), fields.indexOf('name')];
  const hidden = snapshot.snapshot.meta.node_types[0].indexOf('hidden');
  const reaction = snapshot.strings.indexOf('system / PromiseReaction');
  let count = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length)
    if (snapshot.nodes[i + typeAt] === hidden && snapshot.nodes[i + nameAt] === reaction) count += 1;
  return count;
}

describe('loader flushes retain nothing', () => {
  let influx: InfluxV1Handle;
  let loader: LineWriter | undefined;

  beforeAll(async () => {
    influx = await startInfluxV1();
  });
  afterAll(async () => {
    await loader?.close({ deadlineMs: 1_000 }).catch(() => undefined);
    await influx?.stop();
  });

  it(`leaves no promise reaction behind over ${FLUSHES} write-and-flush cycles, with batches of other writers in flight`, async () => {
    loader = createLoader(
      influxConfig({ api: 'v1', url: influx.url, database: `${influx.database}_retention` }),
      { flushIntervalMs: 50, batchSize: 5 },
      capturingLogger().logger,
    );
    const lines = productionLines(7, FROM, 20);
    await loader.write(lines);
    await loader.flush();
    const before = await liveReactions();
    for (let i = 0; i < FLUSHES; i++) {
      // Two writers at once, as concurrent jobs do: each flush waits on the other's batches too.
      await Promise.all([
        loader.write(lines.slice(0, 10)).then(() => loader!.flush()),
        loader.write(lines.slice(10)).then(() => loader!.flush()),
      ]);
    }
    const after = await liveReactions();
    // The loader is still in use here, so whatever it holds is still reachable.
    expect(loader.stats().delivered).toBe(20 + FLUSHES * 20);
    // Before the fix: one reaction left on the loader's failure promise per flush (600 here).
    expect(after - before).toBeLessThan(FLUSHES / 10);
  });
});
