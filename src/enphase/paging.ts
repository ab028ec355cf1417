// The systems list and search, one page at a time: never the whole fleet in memory.

/** The largest page the API serves. */
export const MAX_PAGE_SIZE = 100;

/** Pages of `fetchPage` until one is short or `total` is reached; empty pages are not yielded. */
export async function* pages<T>(
  fetchPage: (page: number, size: number) => Promise<{ systems?: T[]; total?: number }>,
  size: number,
): AsyncGenerator<T[]> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, size));
  for (let page = 1; ; page += 1) {
    const body = await fetchPage(page, pageSize);
    const systems = body.systems ?? [];
    if (systems.length > 0) yield systems;
    const total = body.total;
    if (systems.length < pageSize || (total !== undefined && page * pageSize >= total)) return;
  }
}
