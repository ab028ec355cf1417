// The public shapes of the extractors (DESIGN §4): what the registry keeps per system, what one
// fetched window yields, what every dataset's extractor declares, and what a dataset's descriptor
// (src/datasets/<name>/index.ts) hands the factory that builds its extractor. The BullMQ jobs and
// the budget planner build on these; they change only by agreement.
//
// Dataset names are plain strings here: the names are the registry's (src/datasets/index.ts), which
// builds on these shapes, so naming its type here would make the two define each other.
import type { operations } from '../enphase/api-types.js';
import type { EnphaseClient } from '../enphase/client.js';
import type { PlanName } from '../enphase/plans.js';
import type { ResponseBody } from '../normalize/bodies.js';
import type { NormalizeContext } from '../normalize/body-readers.js';
import type { DataPoint } from '../normalize/point.js';
import type { RequestWindow, WindowRule } from './windows.js';

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
  dataset: string;
  window: RequestWindow;
  /** Normalized, ready for toLineProtocol. */
  points: DataPoint[];
  /**
   * Epoch s up to which this dataset is now fetched (the window's end, clamped to now); the
   * caller commits settledWatermark(...) of it after the loader's flush.
   */
  loadedUntil: number;
  /**
   * More of this window follows: a per-device dataset yields a window a device at a time, so that
   * a window of a hundred devices is never held whole. These points may be written; the window is
   * loaded (and `loadedUntil` may be committed) only with its last piece, which has no `more`. A
   * window that fails after some of its pieces throws: it is not loaded, whatever was written of it.
   */
  more?: true;
}

export interface ExtractDeps {
  client: EnphaseClient;
  /** Epoch seconds. */
  now: () => number;
}

export interface Extractor {
  dataset: string;
  plans: readonly PlanName[];
  appliesTo(system: SystemInfo): boolean;
  /** Pure: requests this dataset costs for [from, to) (incl. per-device fan-out). */
  requestCount(system: SystemInfo, from: number, to: number, now: number): number;
  /**
   * Fetches and normalizes [from, to) window by window, in time order; memory: one window at a
   * time, or one device's share of it (`more`).
   */
  extract(deps: ExtractDeps, system: SystemInfo, from: number, to: number): AsyncGenerator<ExtractedWindow>;
}

/** A path of the OpenAPI file (the client checks calls against it). */
export type ApiPath = Parameters<EnphaseClient['get']>[0];
export type OperationId = keyof operations;

interface EndpointOf<Op extends OperationId> {
  path: ApiPath;
  /** The spec's operationId of `path`: the body's type, and the key of the normalizer table. */
  operation: Op;
  /** Turns its 200 body into points; absent where the extractor reads the body itself (event types). */
  normalize?: (body: ResponseBody<Op>, ctx: NormalizeContext) => DataPoint[];
  /** Whether the system has what this endpoint describes (default: every system). */
  when?(system: SystemInfo): boolean;
  /** A per-device endpoint: the serials it is asked for, one request each. */
  serials?(system: SystemInfo): readonly string[];
  /** Query parameters sent with every request besides the window's. */
  query?: Readonly<Record<string, string>>;
}

/** One endpoint a dataset reads; the compiler holds `normalize` to the body of `operation`. */
export type Endpoint = { [Op in OperationId]: EndpointOf<Op> }[OperationId];

/** What a dataset's descriptor tells the factory that builds its extractor. */
export interface ExtractorSpec {
  dataset: string;
  plans: readonly PlanName[];
  window: WindowRule;
  endpoints: readonly Endpoint[];
}

export type ExtractorFactory = (spec: ExtractorSpec) => Extractor;
