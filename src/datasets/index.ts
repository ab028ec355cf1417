// The dataset registry (DESIGN §4): one line per dataset, each a folder beside this file whose
// index.ts exports its descriptor (descriptor.ts). Names, the order of `DATASETS` and `status`
// rows, the extractors by name and the window rules are read from here; nothing else lists the
// datasets. A new dataset is a new folder and one line below (CONTRIBUTING.md, "Adding a dataset").
import { battery } from './battery/index.js';
import { batteryDevice } from './battery_device/index.js';
import { config } from './config/index.js';
import { consumption } from './consumption/index.js';
import { energyDaily } from './energy_daily/index.js';
import { evCharger } from './ev_charger/index.js';
import { events } from './events/index.js';
import { gridExport } from './grid_export/index.js';
import { gridImport } from './grid_import/index.js';
import { latest } from './latest/index.js';
import { micro } from './micro/index.js';
import { productionMeter } from './production_meter/index.js';
import { productionMicro } from './production_micro/index.js';
import { rgm } from './rgm/index.js';
import { system } from './system/index.js';
import type { Extractor } from '../extractors/types.js';
import type { WindowRule } from '../extractors/windows.js';

export const DATASETS = [
  productionMicro,
  productionMeter,
  rgm,
  consumption,
  battery,
  gridImport,
  gridExport,
  energyDaily,
  micro,
  batteryDevice,
  system,
  latest,
  events,
  config,
  evCharger,
] as const;

export type Dataset = (typeof DATASETS)[number];
export type DatasetName = Dataset['name'];

export const DATASET_NAMES: readonly DatasetName[] = DATASETS.map((d) => d.name);

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** A table with one entry per dataset, read from its descriptor. */
export function byDataset<T>(read: (dataset: Dataset) => T): Readonly<Record<DatasetName, T>> {
  return Object.freeze(Object.fromEntries(DATASETS.map((d) => [d.name, read(d)]))) as Record<DatasetName, T>;
}

export const DATASET_BY_NAME: Readonly<Record<DatasetName, Dataset>> = byDataset((d) => d);
export const EXTRACTORS: Readonly<Record<DatasetName, Extractor>> = byDataset((d) => d.extractor);
export const WINDOW_RULES: Readonly<Record<DatasetName, WindowRule>> = byDataset((d) => d.window);

export type { Cadence, DatasetDescriptor, DatasetKind } from './descriptor.js';
