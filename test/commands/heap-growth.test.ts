import { execFileSync } from 'node:child_process';
import {
  DEFAULT_YOUNG_GENERATION_GROWTH,
  HEAP_GROWING_PERCENT,
  heapGrowthFlag,
  youngGenerationFlag,
} from '../../src/commands/heap-growth.js';

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

describe('the young generation of a short report', () => {
  it('is given back V8’s own growth factor after loading: the one this Node starts with', () => {
    // A Node whose V8 grows the young generation by another factor would be left with ours.
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const defaults = /default: (--semi-space-growth-factor=\d+)/.exec(options);
    expect(defaults?.[1]).toBe(DEFAULT_YOUNG_GENERATION_GROWTH);
  });

  it('is kept at its starting size when the operator chose nothing about it', () => {
    expect(youngGenerationFlag([], undefined)).toBe('--semi-space-growth-factor=1');
    expect(youngGenerationFlag(['--heap-growing-percent=80'], '--max-old-space-size=512')).toBe(
      '--semi-space-growth-factor=1',
    );
  });

  it.each([
    [['--max-semi-space-size=32'], undefined],
    [['--min_semi_space_size=4'], undefined],
    [['--semi-space-growth-factor=4'], undefined],
    [[], '--max-semi-space-size=16'],
    [[], '--enable-source-maps --semi_space_growth_factor=2'],
  ])('leaves the operator’s choice alone (execArgv %j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(youngGenerationFlag(execArgv, nodeOptions)).toBeUndefined();
  });
});
