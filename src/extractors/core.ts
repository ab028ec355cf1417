// What every extractor shares: planning its windows, calling the client with the context every
// error should name, turning a refused body into an ExtractError, and yielding one window at a
// time in time order (so memory holds one window's points, built from one response at a time).
import type { DatasetName } from '../datasets.js';
import type { CallContext, EnphaseClient } from '../enphase/client.js';
import { BadResponseError } from '../enphase/errors/index.js';
import {
  normalizeResponse,
  NormalizeError,
  type NormalizeContext,
  type NormalizedOperation,
} from '../normalize/index.js';
import type { DataPoint } from '../normalize/point.js';
import { TimeZoneError } from '../normalize/time.js';
import { ExtractError } from './errors.js';
import type { ExtractDeps, ExtractedWindow, SystemInfo } from './types.js';
import { planWindows, type RequestWindow } from './windows.js';

/** The windows of `dataset` for the system over [from, to) at `now` (the planner's rules). */
export function windowsFor(
  dataset: DatasetName,
  system: SystemInfo,
  from: number,
  to: number,
  now: number,
): RequestWindow[] {
  return planWindows({
    dataset,
    from,
    to,
    now,
    operationalAt: system.operationalAt,
    timeZone: system.timeZone,
  });
}

/**
 * `client.get` with the path as a plain string. The typed `get` needs one literal path per call;
 * the extractors pick paths from tables (checked against the spec by `ApiPath`) and the body is
 * handed to the normalizer of that path's operation, which checks its structure itself.
 */
export type LooseGet = (
  path: ApiPath,
  options: { pathParams: Record<string, string | number>; query?: Record<string, string | number> },
  context: CallContext,
) => Promise<unknown>;

export type ApiPath = Parameters<EnphaseClient['get']>[0];

export function looseGet(client: EnphaseClient): LooseGet {
  return client.get.bind(client) as unknown as LooseGet;
}

/** The context the client puts in every error it throws for this window. */
export function callContext(system: SystemInfo, dataset: DatasetName, window: RequestWindow): CallContext {
  return { systemId: system.id, dataset, window: { start: window.from, end: window.to } };
}

/** The window's query parameters as the client sends them. */
export function queryOf(window: RequestWindow): Record<string, string | number> {
  return window.query as Record<string, string | number>;
}

/** Normalizes `body` with the normalizer of `operation`, refusing a body for another system or device. */
export function normalize(operation: NormalizedOperation, body: unknown, ctx: NormalizeContext): DataPoint[] {
  return normalizeResponse(operation, body, ctx);
}

/** A refused body (client or normalizer) becomes an ExtractError naming system, dataset, window. */
function isBadBody(error: unknown): boolean {
  return (
    error instanceof BadResponseError || error instanceof NormalizeError || error instanceof TimeZoneError
  );
}

export async function guarded<T>(
  system: SystemInfo,
  dataset: DatasetName,
  window: RequestWindow,
  serial: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isBadBody(error)) throw error;
    throw new ExtractError(
      {
        systemId: system.id,
        dataset,
        window: { start: window.from, end: window.to },
        ...(serial === undefined ? {} : { serial }),
      },
      error,
    );
  }
}

/**
 * The windows of [from, to) planned at `deps.now()`, each fetched by `fetchWindow` and yielded
 * once every request of it has succeeded: a failing window throws (as an ExtractError when its
 * body was bad) before anything of it is yielded, and the windows after it are not fetched.
 */
export async function* extractWindows(
  deps: ExtractDeps,
  dataset: DatasetName,
  system: SystemInfo,
  from: number,
  to: number,
  fetchWindow: (window: RequestWindow, get: LooseGet, now: number) => Promise<DataPoint[]>,
): AsyncGenerator<ExtractedWindow> {
  const now = deps.now();
  const get = looseGet(deps.client);
  for (const window of windowsFor(dataset, system, from, to, now)) {
    const points = await guarded(system, dataset, window, undefined, () => fetchWindow(window, get, now));
    yield { dataset, window, points, loadedUntil: Math.min(window.to, now) };
  }
}

/** Appends `more` to `into` without spreading (a window can hold many thousand points). */
export function append(into: DataPoint[], more: readonly DataPoint[]): void {
  for (const point of more) into.push(point);
}
