/** Paged lists: the cursor is the opaque (base64url) sort key of the last item of the previous page. */
import type { ListQuery, Page } from '../../api/common';
import { validationFailed } from '../http/errors';
import type { Store, StoredRecord } from '../store/store';

export function encodeCursor(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value?.after === 'string') return value.after;
  } catch {
    // Fall through to the error below.
  }
  const message = 'The cursor is not one this control plane gave out. Start again without a cursor.';
  throw validationFailed(message, [{ path: 'cursor', message }]);
}

export async function listPage<R extends StoredRecord, T>(
  store: Store,
  collection: string,
  group: string,
  query: ListQuery,
  view: (record: R) => T,
  filter?: (record: R) => boolean,
): Promise<Page<T>> {
  const result = await store.page<R>(collection, {
    group,
    prefix: query.prefix,
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit: query.limit,
    filter: filter as ((r: StoredRecord) => boolean) | undefined,
  });
  const page: Page<T> = { items: result.items.map(view) };
  if (result.last !== undefined) page.nextCursor = encodeCursor(result.last);
  return page;
}
