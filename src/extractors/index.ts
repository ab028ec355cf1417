// The extractors by dataset name (DESIGN §4): one module per dataset, each declaring its
// endpoints, plans, windows, paging and request count, and fetching + normalizing window by
// window. docs/extractors.md has the table.
import type { DatasetName } from '../datasets.js';
import { batteryExtractor } from './battery.js';
import { batteryDeviceExtractor } from './battery-device.js';
import { configExtractor } from './config.js';
import { consumptionExtractor } from './consumption.js';
import { energyDailyExtractor } from './energy-daily.js';
import { evChargerExtractor } from './ev-charger.js';
import { eventsExtractor } from './events.js';
import { gridExportExtractor } from './grid-export.js';
import { gridImportExtractor } from './grid-import.js';
import { latestExtractor } from './latest.js';
import { microExtractor } from './micro.js';
import { productionMeterExtractor } from './production-meter.js';
import { productionMicroExtractor } from './production-micro.js';
import { rgmExtractor } from './rgm.js';
import { systemExtractor } from './system.js';
import type { Extractor } from './types.js';

export type { ExtractDeps, ExtractedWindow, Extractor, SystemInfo } from './types.js';
export type { RequestWindow } from './windows.js';
export { ExtractError } from './errors.js';
export { systemInfoFromApi } from './system-info.js';

export const EXTRACTORS: Readonly<Record<DatasetName, Extractor>> = Object.freeze({
  production_micro: productionMicroExtractor,
  production_meter: productionMeterExtractor,
  rgm: rgmExtractor,
  consumption: consumptionExtractor,
  battery: batteryExtractor,
  grid_import: gridImportExtractor,
  grid_export: gridExportExtractor,
  energy_daily: energyDailyExtractor,
  micro: microExtractor,
  battery_device: batteryDeviceExtractor,
  system: systemExtractor,
  latest: latestExtractor,
  events: eventsExtractor,
  config: configExtractor,
  ev_charger: evChargerExtractor,
});
