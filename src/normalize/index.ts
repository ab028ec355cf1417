// The normalizers by the operationId of the endpoint they read, for the extractors and for the
// table test over the spec's examples. Each takes the parsed 200 body and a NormalizeContext and
// returns the points of the schema (src/normalize/schema.ts), deduplicated and in time order per
// series. Memory is proportional to one response.
import {
  normalizeBatteryLifetime,
  normalizeConsumptionLifetime,
  normalizeEnergyExportLifetime,
  normalizeEnergyImportLifetime,
  normalizeEnergyLifetime,
} from './daily.js';
import {
  normalizeBatterySettings,
  normalizeGridStatus,
  normalizeLoadControl,
  normalizeStormGuard,
} from './config.js';
import { assertRequestedIdentity, type NormalizeContext } from './body-readers.js';
import {
  normalizeEvChargerEvents,
  normalizeEvChargerLifetime,
  normalizeEvChargers,
  normalizeEvChargerSessions,
  normalizeEvChargerTelemetry,
} from './ev-charger.js';
import { normalizeSystemAlarms, normalizeSystemEvents } from './events.js';
import { normalizeEnergyExportTelemetry, normalizeEnergyImportTelemetry } from './grid.js';
import { normalizeLatestTelemetry } from './latest.js';
import type { DataPoint } from './point.js';
import { normalizeRgmStats } from './rgm.js';
import { normalizeSystem, normalizeSystemsList, normalizeSystemSummary } from './system.js';
import {
  normalizeAcbTelemetry,
  normalizeBatteryTelemetry,
  normalizeConsumptionMeter,
  normalizeEnchargeTelemetry,
  normalizeMicroTelemetry,
  normalizeProductionMeter,
  normalizeProductionMicro,
} from './telemetry.js';

export type Normalizer = (body: never, ctx: NormalizeContext) => DataPoint[];

export const NORMALIZERS = {
  listSystems: normalizeSystemsList,
  getSystemById: normalizeSystem,
  getSystemSummary: normalizeSystemSummary,
  listSystemEvents: normalizeSystemEvents,
  listSystemAlarms: normalizeSystemAlarms,
  getRgmStats: normalizeRgmStats,
  getEnergyLifetime: normalizeEnergyLifetime,
  getConsumptionLifetime: normalizeConsumptionLifetime,
  getBatteryLifetime: normalizeBatteryLifetime,
  getEnergyImportLifetime: normalizeEnergyImportLifetime,
  getEnergyExportLifetime: normalizeEnergyExportLifetime,
  getProductionMicroTelemetry: normalizeProductionMicro,
  getProductionMeterTelemetry: normalizeProductionMeter,
  getConsumptionMeterTelemetry: normalizeConsumptionMeter,
  getBatteryTelemetry: normalizeBatteryTelemetry,
  getMicroTelemetry: normalizeMicroTelemetry,
  getEnchargeTelemetry: normalizeEnchargeTelemetry,
  getAcbTelemetry: normalizeAcbTelemetry,
  getEnergyImportTelemetry: normalizeEnergyImportTelemetry,
  getEnergyExportTelemetry: normalizeEnergyExportTelemetry,
  getLatestSystemTelemetry: normalizeLatestTelemetry,
  getSystemBatterySettings: normalizeBatterySettings,
  getSystemStormGuard: normalizeStormGuard,
  getSystemGridStatus: normalizeGridStatus,
  getSystemLoadControl: normalizeLoadControl,
  fetchChargersSummary: normalizeEvChargers,
  fetchEnergyConsumptionData: normalizeEvChargerTelemetry,
  fetchDailyEnergyConsumptionData: normalizeEvChargerLifetime,
  fetchChargerSessionHistory: normalizeEvChargerSessions,
  fetchEvents: normalizeEvChargerEvents,
} as const satisfies Record<string, Normalizer>;

export type NormalizedOperation = keyof typeof NORMALIZERS;

/**
 * The points of one 200 body of `operation`, answering the request `ctx` describes. Identity
 * comes from the request: a body whose `system_id` or `serial_number` contradicts it is refused
 * (IdentityMismatchError) before anything is read. The systems list is the exception: it names
 * the systems itself.
 */
export function normalizeResponse(
  operation: NormalizedOperation,
  body: unknown,
  ctx: NormalizeContext,
): DataPoint[] {
  if (operation !== 'listSystems') assertRequestedIdentity(body, ctx, operation);
  const normalizer = NORMALIZERS[operation] as (body: unknown, ctx: NormalizeContext) => DataPoint[];
  return normalizer(body, ctx);
}

export { IdentityMismatchError, NormalizeError, type NormalizeContext } from './body-readers.js';
export { eventTypeLabels } from './events.js';
export { toLineProtocol, toLineProtocolBatch, LineProtocolError } from './line-protocol.js';
export type { DataPoint } from './point.js';
export { SCHEMA, type Measurement } from './schema.js';
