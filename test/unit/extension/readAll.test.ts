import assert from 'node:assert/strict';
import { PAGE_LIMIT_MAX, type Page } from '../../../src/api';
import { readAll } from '../../../src/client/readAll';

/** A paged list as the management API serves it: at most `pageSize` items a page (fewer than asked when the server
 * caps it), an opaque cursor while more follow; it records the limits it was asked for. */
function pagedList(total: number, pageSize: number) {
  const asked: number[] = [];
  const list = async ({ limit, cursor }: { limit: number; cursor?: string }): Promise<Page<number>> => {
    asked.push(limit);
    const start = cursor === undefined ? 0 : Number(cursor);
    const end = Math.min(total, start + Math.min(limit, pageSize));
    const items = Array.from({ length: end - start }, (_, i) => start + i);
    return end < total ? { items, nextCursor: String(end) } : { items };
  };
  return { list, asked };
}

describe('readAll (the pickers read every page)', () => {
  it('reads page after page until the list ends', async () => {
    const { list, asked } = pagedList(1_234, 100);
    const all = await readAll(list, 5_000);
    assert.deepEqual(
      all.items,
      Array.from({ length: 1_234 }, (_, i) => i),
    );
    assert.equal(all.truncated, false);
    assert.equal(asked.length, 13);
    assert.ok(asked.every((l) => l <= PAGE_LIMIT_MAX));
  });

  it('stops at the bound and says so, but not for a list of exactly the bound', async () => {
    const over = await readAll(pagedList(1_001, 7).list, 1_000);
    assert.equal(over.items.length, 1_000);
    assert.equal(over.truncated, true);
    const exact = await readAll(pagedList(1_000, 7).list, 1_000);
    assert.equal(exact.items.length, 1_000);
    assert.equal(exact.truncated, false);
    const far = pagedList(100_000, 500);
    assert.equal((await readAll(far.list, 1_000)).truncated, true);
    assert.ok(far.asked.length <= 3, `asked ${far.asked.length} pages for a bound of 1,000`);
  });

  it('an empty list is one call', async () => {
    const { list, asked } = pagedList(0, 100);
    assert.deepEqual(await readAll(list, 10), { items: [], truncated: false });
    assert.equal(asked.length, 1);
  });
});
