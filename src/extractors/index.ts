// What every dataset's extraction is built from (DESIGN §4): the shapes (site series, per-device
// series, daily series, snapshots, and the events and EV charger extractors), the pure window
// planner and the fetch loop they share. The extractors by dataset name (`EXTRACTORS`) are the
// registry's (src/datasets/index.ts), each built from its dataset's descriptor; docs/extractors.md
// has the table.
export type {
  Endpoint,
  ExtractDeps,
  ExtractedWindow,
  Extractor,
  ExtractorFactory,
  ExtractorSpec,
  SystemInfo,
} from './types.js';
export type { RequestWindow } from './windows.js';
export { ExtractError } from './errors.js';
export { systemInfoFromApi } from './system-info.js';
