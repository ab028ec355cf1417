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
}

export type RequestLogFilter = Partial<Pick<RequestLogEntry, 'method' | 'route' | 'status' | 'systemId'>>;

export interface RequestLog {
  entries(): readonly RequestLogEntry[];
  count(filter?: RequestLogFilter): number;
  clear(): void;
}

export function matchesFilter(entry: RequestLogEntry, filter: RequestLogFilter): boolean {
  return (
    (filter.method === undefined || entry.method === filter.method) &&
    (filter.route === undefined || entry.route === filter.route) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.systemId === undefined || entry.systemId === filter.systemId)
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
