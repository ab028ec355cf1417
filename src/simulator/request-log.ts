// What the simulator was asked and what it answered, so tests can count hits per endpoint.
export interface RequestLogEntry {
  at: number;
  method: string;
  /** The OpenAPI path template, e.g. `/api/v4/systems/{system_id}/summary`. */
  route: string;
  /** The URL as asked, with `?key=` removed. */
  url: string;
  /** HTTP status; 0 for a request the timeout fault never answered. */
  status: number;
  apiKeyId?: string;
  systemId?: number;
  /** Set when the answer was made up on purpose: a random fault or a system's knob. */
  injected?: InjectedBy;
}

/** What made up an answer: `fault:*` the random faults (faults.ts), `knob:*` a system's knobs. */
export type InjectedBy =
  | 'fault:timeout'
  | 'fault:error'
  | 'fault:burst429'
  | 'fault:random429'
  | 'fault:malformed'
  | 'fault:truncated'
  | 'fault:drift'
  | 'knob:unauthorized'
  | 'knob:notImplemented'
  | 'knob:malformed';

export type RequestLogFilter = Partial<
  Pick<RequestLogEntry, 'method' | 'route' | 'status' | 'systemId' | 'injected'>
>;

/** How many requests one system made to one route, per status. */
export interface RouteTally {
  systemId: number | undefined;
  route: string;
  /** Status → number of answers with it. */
  statuses: Record<number, number>;
  total: number;
}

/** A URL asked more than once, with the status of each answer in order. */
export interface RepeatedRequest {
  method: string;
  url: string;
  statuses: number[];
}

export interface RequestLog {
  entries(): readonly RequestLogEntry[];
  count(filter?: RequestLogFilter): number;
  /** Requests per (system, route) and status, in first-seen order. */
  tally(filter?: RequestLogFilter): RouteTally[];
  /** URLs (method and URL without `?key=`) asked more than once: retries, or the same window again. */
  repeats(filter?: RequestLogFilter): RepeatedRequest[];
  clear(): void;
}

export function tallyOf(entries: readonly RequestLogEntry[], filter: RequestLogFilter = {}): RouteTally[] {
  const byKey = new Map<string, RouteTally>();
  for (const entry of entries) {
    if (!matchesFilter(entry, filter)) continue;
    const key = `${entry.systemId ?? ''} ${entry.route}`;
    let tally = byKey.get(key);
    if (!tally) {
      tally = { systemId: entry.systemId, route: entry.route, statuses: {}, total: 0 };
      byKey.set(key, tally);
    }
    tally.statuses[entry.status] = (tally.statuses[entry.status] ?? 0) + 1;
    tally.total += 1;
  }
  return [...byKey.values()];
}

export function repeatsOf(
  entries: readonly RequestLogEntry[],
  filter: RequestLogFilter = {},
): RepeatedRequest[] {
  const byUrl = new Map<string, RepeatedRequest>();
  for (const entry of entries) {
    if (!matchesFilter(entry, filter)) continue;
    const key = `${entry.method} ${entry.url}`;
    const seen = byUrl.get(key);
    if (seen) seen.statuses.push(entry.status);
    else byUrl.set(key, { method: entry.method, url: entry.url, statuses: [entry.status] });
  }
  return [...byUrl.values()].filter((r) => r.statuses.length > 1);
}

export function matchesFilter(entry: RequestLogEntry, filter: RequestLogFilter): boolean {
  return (
    (filter.method === undefined || entry.method === filter.method) &&
    (filter.route === undefined || entry.route === filter.route) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.systemId === undefined || entry.systemId === filter.systemId) &&
    (filter.injected === undefined || entry.injected === filter.injected)
  );
}

export class MemoryRequestLog implements RequestLog {
  private list: RequestLogEntry[] = [];

  /** A long demo run must not grow without bound: past the cap, the older half is dropped. */
  static readonly CAP = 200_000;

  add(entry: RequestLogEntry): void {
    if (this.list.length >= MemoryRequestLog.CAP) this.list = this.list.slice(MemoryRequestLog.CAP / 2);
    this.list.push(entry);
  }

  entries(): readonly RequestLogEntry[] {
    return this.list;
  }

  count(filter: RequestLogFilter = {}): number {
    let n = 0;
    for (const entry of this.list) if (matchesFilter(entry, filter)) n += 1;
    return n;
  }

  tally(filter: RequestLogFilter = {}): RouteTally[] {
    return tallyOf(this.list, filter);
  }

  repeats(filter: RequestLogFilter = {}): RepeatedRequest[] {
    return repeatsOf(this.list, filter);
  }

  clear(): void {
    this.list = [];
  }
}

/** A URL without its `key` query parameter (the API key must not land in logs). */
export function stripKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete('key');
  const rest = params.toString();
  return rest ? `${url.slice(0, q)}?${rest}` : url.slice(0, q);
}

/** Fastify's `/a/:b` route syntax to the OpenAPI template `/a/{b}`. */
export function toTemplate(fastifyUrl: string): string {
  return fastifyUrl.replace(/:([A-Za-z_]+)/g, '{$1}');
}
