import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/commands/heap-growth.js';

describe('the heap growth factor', () => {
  it('is set when the operator chose none', () => {
    expect(heapGrowthFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-semi-space-size=8')).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it.each([
    [['--heap-growing-percent=200'], undefined],
    [['--heap_growing_percent=10'], undefined],
    [[], '--enable-source-maps --heap-growing-percent=80'],
    [[], '--heap_growing_percent=30'],
  ])('leaves the operator’s choice alone (execArgv %j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(heapGrowthFlag(execArgv, nodeOptions)).toBeUndefined();
  });
});
