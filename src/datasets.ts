// The dataset names of DESIGN §4 (`DATASETS`, watermark keys, `status` rows). One list, so the
// config schema, the extractors and the CLI never disagree about what a dataset is called.
export const DATASET_NAMES = [
  'production_micro',
  'production_meter',
  'rgm',
  'consumption',
  'battery',
  'grid_import',
  'grid_export',
  'energy_daily',
  'micro',
  'battery_device',
  'system',
  'latest',
  'events',
  'config',
  'ev_charger',
] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}
