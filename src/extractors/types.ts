// The public shapes of the extractors (DESIGN §4): what the registry keeps per system, what one
// fetched window yields, and what every dataset's extractor declares. The BullMQ jobs and the
// budget planner build on these; they change only by agreement.
import type { DatasetName } from '../datasets.js';
import type { EnphaseClient } from '../enphase/client.js';
import type { PlanName } from '../enphase/plans.js';
import type { DataPoint } from '../normalize/point.js';
import type { RequestWindow } from './windows.js';

/** What the registry keeps per system (discovery fills it). */
export interface SystemInfo {
  id: number;
  name?: string;
  timeZone: string;
  /** Epoch seconds. */
  operationalAt: number | null;
  /** YYYY-MM-DD, for energy_daily kind=production_meter. */
  meterStartDate?: string | null;
  devices: { micros: string[]; encharges: string[]; acbs: string[]; evChargers: string[]; meters?: string[] };
  hasConsumptionMeter?: boolean;
  hasProductionMeter?: boolean;
  hasBattery?: boolean;
}

export interface ExtractedWindow {
  dataset: DatasetName;
  window: RequestWindow;
  /** Normalized, ready for toLineProtocol. */
  points: DataPoint[];
  /**
   * Epoch s up to which this dataset is now fetched (the window's end, clamped to now); the
   * caller commits settledWatermark(...) of it after the loader's flush.
   */
  loadedUntil: number;
}

export interface ExtractDeps {
  client: EnphaseClient;
  /** Epoch seconds. */
  now: () => number;
}

export interface Extractor {
  dataset: DatasetName;
  plans: readonly PlanName[];
  appliesTo(system: SystemInfo): boolean;
  /** Pure: requests this dataset costs for [from, to) (incl. per-device fan-out). */
  requestCount(system: SystemInfo, from: number, to: number, now: number): number;
  /** Fetches and normalizes [from, to) window by window, in time order; memory: one response at a time. */
  extract(deps: ExtractDeps, system: SystemInfo, from: number, to: number): AsyncGenerator<ExtractedWindow>;
}
