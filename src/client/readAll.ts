import { PAGE_LIMIT_MAX, type Page } from '../api';

/**
 * Every item of a paged list, page after page, up to `cap`. A picker must offer all of them (a service on the second
 * page has to be reachable), while the bound keeps an organization of many thousands from stalling a form;
 * `truncated` says the bound was met, so the caller can say so.
 */
export async function readAll<T>(
  list: (page: { limit: number; cursor?: string }) => Promise<Page<T>>,
  cap: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: Math.min(PAGE_LIMIT_MAX, cap - items.length + 1), cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && items.length <= cap);
  // One more than the bound was asked for, so a list of exactly `cap` items is not called truncated.
  return { items: items.slice(0, cap), truncated: items.length > cap };
}
