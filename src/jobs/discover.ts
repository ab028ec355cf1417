// Discovery (DESIGN §2): page through the systems of the API key (or fetch the ids given), build
// each system's SystemInfo and upsert the registry. The systems list already carries time zone,
// operational date and status; the device list costs one request per system, so it is fetched
// only for new systems and when the stored one is older than `deviceRefreshMs`.
// One system never fails the others (DESIGN §3 "Fault isolation"): a system whose metadata
// cannot be used is quarantined, one whose requests fail is kept with its error; both are kept
// in `registry.problems` and looked at again by the next discovery (docs/operations.md).
import pLimit from 'p-limit';
import { ConfigError } from '../config.js';
import type { SystemListItem } from '../enphase/api-shapes.js';
import type { EnphaseClient } from '../enphase/client.js';
import { AuthError, QuotaExhaustedError } from '../enphase/errors/index.js';
import { systemInfoFromApi, type SystemInfo } from '../extractors/index.js';
import type { SystemDetailBody, SystemDevicesBody } from '../extractors/system-info.js';
import type { Logger } from '../log.js';
import { apiMetadataProblem } from '../extractors/metadata-problem.js';
import type { RegistryEntry, RegistryStore } from '../state/registry.js';
import type { SystemProblem } from '../state/system-problems.js';

const DEFAULT_DEVICE_REFRESH_MS = 7 * 86_400_000;

/**
 * A failure that is not the system's own: the credentials, the quota, the configuration or a
 * shutdown. It ends the discovery instead of being recorded against every system in turn.
 */
function isBeyondTheSystem(error: unknown): boolean {
  return (
    error instanceof ConfigError ||
    error instanceof AuthError ||
    error instanceof QuotaExhaustedError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

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
  /** Systems with usable metadata, now in the registry. */
  systemIds: number[];
  /** Requests spent on device lists. */
  deviceRequests: number;
  /** Systems whose discovery failed (kept in `registry.problems`), and ids the API does not know (404). */
  failed: Array<{ systemId: number; message: string }>;
  /** Systems whose metadata cannot be used (kept in `registry.problems`, left out of the registry). */
  quarantined: Array<{ systemId: number; reason: string }>;
}

type Outcome = { entry: RegistryEntry } | { problem: Omit<SystemProblem, 'since'> };

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
  const result: DiscoveryResult = { systemIds: [], deviceRequests: 0, failed: [], quarantined: [] };

  const devicesOf = async (systemId: number): Promise<SystemDevicesBody> => {
    result.deviceRequests += 1;
    return deps.client.get(
      '/api/v4/systems/{system_id}/devices',
      { pathParams: { system_id: systemId } },
      { systemId },
    );
  };

  const problemOf = (
    id: number,
    kind: SystemProblem['kind'],
    reason: string,
    item?: SystemListItem | SystemDetailBody,
  ): Outcome => {
    const problem: Omit<SystemProblem, 'since'> = { id, kind, reason, checkedAt: deps.now() };
    if (typeof item?.name === 'string') problem.name = item.name;
    if (typeof item?.timezone === 'string') problem.timeZone = item.timezone;
    return { problem };
  };

  /** One system: its registry entry, or its problem (the metadata check comes before any request). */
  const examine = async (item: SystemListItem | SystemDetailBody, id: number, before?: RegistryEntry) => {
    const listProblem = apiMetadataProblem(item);
    if (listProblem) return problemOf(id, 'quarantined', listProblem, item);
    const now = deps.now();
    try {
      if (before?.devicesCheckedAt !== undefined && now - before.devicesCheckedAt < refreshMs)
        return { entry: registryEntryOf(item, before.devices, now, before.devicesCheckedAt, before) };
      const devices = await devicesOf(id);
      const devicesProblem = apiMetadataProblem(item, devices);
      if (devicesProblem) return problemOf(id, 'quarantined', devicesProblem, item);
      return { entry: registryEntryOf(item, devices, now, now, before) };
    } catch (error) {
      if (isBeyondTheSystem(error)) throw error;
      return problemOf(id, 'discovery-failed', error instanceof Error ? error.message : String(error), item);
    }
  };

  /**
   * Usable systems replace their entry and lose any problem; quarantined ones leave the registry;
   * a system whose discovery failed keeps the entry it had (its stored facts are still good).
   */
  const store = async (outcomes: Outcome[]): Promise<void> => {
    const entries: RegistryEntry[] = [];
    const problems: Array<Omit<SystemProblem, 'since'>> = [];
    for (const outcome of outcomes) {
      if ('entry' in outcome) entries.push(outcome.entry);
      else problems.push(outcome.problem);
    }
    const quarantined = problems.filter((p) => p.kind === 'quarantined');
    await deps.registry.upsert(entries);
    await deps.registry.problems.clear(entries.map((e) => e.id));
    await deps.registry.problems.record(problems);
    await deps.registry.remove(quarantined.map((p) => p.id));
    for (const entry of entries) result.systemIds.push(entry.id);
    for (const p of problems) {
      if (p.kind === 'quarantined') {
        result.quarantined.push({ systemId: p.id, reason: p.reason });
        deps.logger.warn(
          { systemId: p.id, reason: p.reason },
          'system quarantined: its metadata cannot be used',
        );
      } else {
        result.failed.push({ systemId: p.id, message: p.reason });
        deps.logger.error({ systemId: p.id, err: p.reason }, 'discovery of a system failed');
      }
    }
  };

  const processPage = async (items: Array<SystemListItem | SystemDetailBody>): Promise<Outcome[]> => {
    const ids = items.map((i) => i.system_id).filter((id): id is number => typeof id === 'number');
    const previous = new Map((await deps.registry.getMany(ids)).map((e) => [e.id, e]));
    const outcomes = await Promise.all(
      items.map((item) =>
        limit(async (): Promise<Outcome | undefined> => {
          const id = item.system_id;
          return typeof id === 'number' ? examine(item, id, previous.get(id)) : undefined;
        }),
      ),
    );
    return outcomes.filter((o): o is Outcome => o !== undefined);
  };

  if (options.systemIds) {
    const outcomes: Outcome[] = [];
    const notFound: number[] = [];
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
            if (isBeyondTheSystem(error)) throw error;
            // An id the API does not know is the caller's to report (backfill: bad usage); a
            // problem it had is dropped, as there is nothing left to retry.
            if ((error as { status?: number }).status === 404) {
              result.failed.push({ systemId: id, message: 'not found (404)' });
              notFound.push(id);
            } else
              outcomes.push(problemOf(id, 'discovery-failed', (error as Error).message ?? String(error)));
            return undefined;
          }
        }),
      ),
    );
    outcomes.push(...(await processPage(details.filter((d): d is SystemDetailBody => d !== undefined))));
    await store(outcomes);
    await deps.registry.problems.clear(notFound);
  } else {
    for await (const page of deps.client.systems({ size: 100 })) await store(await processPage(page));
  }
  deps.logger.info(
    {
      systems: result.systemIds.length,
      deviceRequests: result.deviceRequests,
      failed: result.failed.length,
      quarantined: result.quarantined.length,
    },
    'discovery finished',
  );
  return result;
}
