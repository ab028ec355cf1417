// The extractors by dataset name (DESIGN §4): one module per dataset, each declaring its
// endpoints, plans, windows, paging and request count, and fetching + normalizing window by window.
import type { DatasetName } from '../datasets.js';
import type { Extractor } from './types.js';

export type { ExtractDeps, ExtractedWindow, Extractor, SystemInfo } from './types.js';
export type { RequestWindow } from './windows.js';
export { systemInfoFromApi } from './system-info.js';

// Filled in dataset by dataset; until then a dataset's extractor refuses to run.
function notBuilt(dataset: DatasetName): Extractor {
  return {
    dataset,
    plans: [],
    appliesTo: () => false,
    requestCount: () => 0,
    // eslint-disable-next-line require-yield
    async *extract() {
      throw new Error(`extractor ${dataset}: not built yet`);
    },
  };
}

import { DATASET_NAMES } from '../datasets.js';
export const EXTRACTORS: Readonly<Record<DatasetName, Extractor>> = Object.fromEntries(
  DATASET_NAMES.map((d) => [d, notBuilt(d)]),
) as Record<DatasetName, Extractor>;
