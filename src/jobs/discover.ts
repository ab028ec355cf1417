// Discovery (DESIGN §2): page through the systems of the API key (or fetch the ids given), build
// each system's SystemInfo and upsert the registry. The systems list already carries time zone,
// operational date and status; the device list costs one request per system, so it is fetched
// only for new systems and when the stored one is older than `deviceRefreshMs`.
import pLimit from 'p-limit';
import type { SystemListItem } from '../enphase/api-shapes.js';
import type { EnphaseClient } from '../enphase/client.js';
import { systemInfoFromApi, type SystemInfo } from '../extractors/index.js';
import type { SystemDetailBody, SystemDevicesBody } from '../extractors/system-info.js';
import type { Logger } from '../log.js';
import type { RegistryEntry, RegistryStore } from '../state/registry.js';

const DEFAULT_DEVICE_REFRESH_MS = 7 * 86_400_000;

export interface DiscoverDeps {
  client: EnphaseClient;
  registry: RegistryStore;
  logger: Logger;
  /** Epoch ms. */
  now: () => number;
  deviceRefreshMs?: number;
  /** Device lists fetched at once. */
  concurrency?: number;
}

export interface DiscoveryResult {
  systemIds: number[];
  /** Requests spent on device lists. */
  deviceRequests: number;
  failed: Array<{ systemId: number; message: string }>;
}

/** The registry entry for a system from the API's answers (pure). */
function registryEntryOf(
  item: SystemListItem | SystemDetailBody,
  devices: SystemDevicesBody | SystemInfo['devices'],
  nowMs: number,
  devicesCheckedAt: number,
  previous?: RegistryEntry,
): RegistryEntry {
  let info: SystemInfo;
  if ('micros' in devices) {
    // Reuse the stored device facts with the list's fresh system facts.
    info = systemInfoFromApi(item, { system_id: item.system_id, devices: {} });
    info = {
      ...info,
      devices,
      ...(previous?.hasProductionMeter !== undefined
        ? { hasProductionMeter: previous.hasProductionMeter }
        : {}),
      ...(previous?.hasConsumptionMeter !== undefined
        ? { hasConsumptionMeter: previous.hasConsumptionMeter }
        : {}),
      hasBattery: devices.encharges.length + devices.acbs.length > 0,
    };
  } else info = systemInfoFromApi(item, devices);
  const entry: RegistryEntry = { ...info, discoveredAt: nowMs, devicesCheckedAt };
  if (typeof item.status === 'string') entry.status = item.status;
  if ('last_report_at' in item) entry.lastReportAt = item.last_report_at ?? null;
  if (info.meterStartDate === undefined && previous?.meterStartDate !== undefined)
    entry.meterStartDate = previous.meterStartDate;
  return entry;
}

export async function discoverSystems(
  deps: DiscoverDeps,
  options: { systemIds?: readonly number[] } = {},
): Promise<DiscoveryResult> {
  const refreshMs = deps.deviceRefreshMs ?? DEFAULT_DEVICE_REFRESH_MS;
  const limit = pLimit(deps.concurrency ?? 4);
  const result: DiscoveryResult = { systemIds: [], deviceRequests: 0, failed: [] };

  const devicesOf = async (systemId: number): Promise<SystemDevicesBody> => {
    result.deviceRequests += 1;
    return deps.client.get(
      '/api/v4/systems/{system_id}/devices',
      { pathParams: { system_id: systemId } },
      { systemId },
    );
  };

  const processPage = async (items: Array<SystemListItem | SystemDetailBody>): Promise<void> => {
    const ids = items.map((i) => i.system_id).filter((id): id is number => typeof id === 'number');
    const previous = new Map((await deps.registry.getMany(ids)).map((e) => [e.id, e]));
    const entries = await Promise.all(
      items.map((item) =>
        limit(async (): Promise<RegistryEntry | undefined> => {
          const id = item.system_id;
          if (typeof id !== 'number') return undefined;
          const before = previous.get(id);
          const now = deps.now();
          try {
            if (before?.devicesCheckedAt !== undefined && now - before.devicesCheckedAt < refreshMs)
              return registryEntryOf(item, before.devices, now, before.devicesCheckedAt, before);
            return registryEntryOf(item, await devicesOf(id), now, now, before);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            deps.logger.error({ systemId: id, err: error }, 'discovery of a system failed');
            result.failed.push({ systemId: id, message });
            return undefined;
          }
        }),
      ),
    );
    const found = entries.filter((e): e is RegistryEntry => e !== undefined);
    await deps.registry.upsert(found);
    for (const entry of found) result.systemIds.push(entry.id);
  };

  if (options.systemIds) {
    const details = await Promise.all(
      options.systemIds.map((id) =>
        limit(async () => {
          try {
            return await deps.client.get(
              '/api/v4/systems/{system_id}',
              { pathParams: { system_id: id } },
              { systemId: id },
            );
          } catch (error) {
            // An id the API does not know is the caller's to report (backfill: bad usage).
            if ((error as { status?: number }).status !== 404) throw error;
            result.failed.push({ systemId: id, message: 'not found (404)' });
            return undefined;
          }
        }),
      ),
    );
    await processPage(details.filter((d): d is SystemDetailBody => d !== undefined));
  } else {
    for await (const page of deps.client.systems({ size: 100 })) await processPage(page);
  }
  deps.logger.info(
    { systems: result.systemIds.length, deviceRequests: result.deviceRequests, failed: result.failed.length },
    'discovery finished',
  );
  return result;
}
