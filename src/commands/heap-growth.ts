// V8 settings a command applies to itself at start (Node leaves V8's flags writable after start,
// and V8 reads these each time it sizes a space). An operator's own choice, on Node's command line
// (or in NODE_OPTIONS, which Node 20 allows for --max-semi-space-size only), always wins: the
// setting is then left alone.
import v8 from 'node:v8';

interface V8Setting {
  /** The flag as v8.setFlagsFromString takes it. */
  readonly flag: string;
  /** Any flag of the operator's that decides the same thing. */
  readonly operatorChoice: RegExp;
}

export const HEAP_GROWING_PERCENT = 50;

/**
 * How far the old space may grow past the live heap before its next full collection. Left to
 * itself, V8 grows it up to ~4× the live heap while collecting is cheap (high mutator
 * utilisation). A backfill promotes a steady stream of short-lived objects (mostly got's
 * per-request state), so its RSS followed that headroom, not its data: 27 MiB live heap, 210 MiB
 * peak RSS (docs/benchmarks.md, "End to end"). A growth factor of 1.5 collects sooner. This is not
 * a cap: the heap still grows to whatever the live data needs.
 */
const HEAP_GROWTH: V8Setting = {
  flag: `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  operatorChoice: /--heap[-_]growing[-_]percent\b/,
};

/**
 * The young generation kept at its starting size while a short report loads its modules. Loading
 * allocates ~13 MiB that almost all survives, and V8 answers by doubling the semi-spaces up to
 * 2 × 8 MiB: pages touched once and never needed. Kept at 1 MiB, `status` and `plan` peak 3–5 MiB
 * lower and start ~20–30 ms sooner (docs/benchmarks.md, "CLI start-up"). Once loaded, V8's own
 * growth (factor 2) is back: reading a registry of 10,000 systems makes short-lived garbage, which
 * a young generation kept small would promote and collect again (0.2 s more for `status`).
 */
const SMALL_YOUNG_GENERATION: V8Setting = {
  flag: '--semi-space-growth-factor=1',
  operatorChoice:
    /--(semi[-_]space[-_]growth[-_]factor|max[-_]semi[-_]space[-_]size|min[-_]semi[-_]space[-_]size)\b/,
};

/** The flag to set, or undefined when the operator already chose (theirs wins). */
function flagUnlessChosen(
  setting: V8Setting,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  const chosen = execArgv.some((arg) => setting.operatorChoice.test(arg));
  return chosen || setting.operatorChoice.test(nodeOptions ?? '') ? undefined : setting.flag;
}

export const heapGrowthFlag = (execArgv: readonly string[], nodeOptions: string | undefined) =>
  flagUnlessChosen(HEAP_GROWTH, execArgv, nodeOptions);

export const youngGenerationFlag = (execArgv: readonly string[], nodeOptions: string | undefined) =>
  flagUnlessChosen(SMALL_YOUNG_GENERATION, execArgv, nodeOptions);

function apply(flag: string | undefined): void {
  if (flag) v8.setFlagsFromString(flag);
}

/** Every command, first thing: the old space follows the live heap. */
export function collectBeforeTheHeapBalloons(): void {
  apply(heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS));
}

/** V8's own growth factor for the young generation in Node 20, put back after loading (a test
 * checks the default against `node --v8-options`). */
export const DEFAULT_YOUNG_GENERATION_GROWTH = '--semi-space-growth-factor=2';

/**
 * A short report's (`status`, `plan`) imports, with the young generation kept at its starting
 * size while they load; V8's own growth again afterwards.
 */
export async function loadWithASmallYoungGeneration<T>(load: () => Promise<T>): Promise<T> {
  const flag = youngGenerationFlag(process.execArgv, process.env.NODE_OPTIONS);
  apply(flag);
  try {
    return await load();
  } finally {
    if (flag) apply(DEFAULT_YOUNG_GENERATION_GROWTH);
  }
}
