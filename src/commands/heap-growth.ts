// How far V8 lets the old space grow past the live heap before its next full collection.
//
// Left to itself, V8 grows the old space up to ~4× the live heap while collecting is cheap
// (high mutator utilisation). A backfill promotes a steady stream of short-lived objects (mostly
// got's per-request state), so its RSS followed that headroom, not its data: 27 MiB live heap,
// 210 MiB peak RSS (docs/benchmarks.md, "End to end"). A growth factor of 1.5 collects sooner.
// This is not a cap: the heap still grows to whatever the live data needs.
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

const FLAG = /--heap[-_]growing[-_]percent\b/;

/**
 * The V8 flag to set, or undefined when the operator already chose a growth factor on the
 * command line or in NODE_OPTIONS (theirs wins).
 */
export function heapGrowthFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  if (execArgv.some((arg) => FLAG.test(arg)) || FLAG.test(nodeOptions ?? '')) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Applies heapGrowthFlag() to this process (Node leaves V8's flags writable after start). */
export function collectBeforeTheHeapBalloons(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}
