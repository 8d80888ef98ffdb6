/** The team store's per-replica cache: bounded, dropped by changes, and never stores a read a change overtook. */
import * as assert from 'node:assert/strict';
import { RecordCache } from '../../src/controlPlane/store/postgres/recordCache';

describe('record cache', () => {
  it('keeps at most maxEntries answers, least recently used out first', () => {
    const cache = new RecordCache(2);
    cache.set('a', 1, ['r1'], cache.epoch);
    cache.set('b', 2, ['r2'], cache.epoch);
    cache.get('a');
    cache.set('c', 3, ['r3'], cache.epoch);
    assert.equal(cache.size, 2);
    assert.deepEqual([cache.get('a')?.value, cache.get('b'), cache.get('c')?.value], [1, undefined, 3]);
  });

  it('drops the answers holding a changed record and those under its new keys', () => {
    const cache = new RecordCache(10);
    cache.set('byId', { id: 'x' }, ['r:x'], cache.epoch);
    cache.set('absent', undefined, [], cache.epoch);
    cache.set('other', { id: 'y' }, ['r:y'], cache.epoch);
    cache.invalidate('r:x', ['absent']);
    assert.equal(cache.get('byId'), undefined);
    assert.equal(cache.get('absent'), undefined);
    assert.deepEqual(cache.get('other')?.value, { id: 'y' });
  });

  it('refuses a read that a change of its key or record overtook, and keeps one that an unrelated change passed', () => {
    const cache = new RecordCache(10);
    const started = cache.epoch;
    cache.invalidate('r:x', ['k:x']);
    cache.set('k:x', 'stale', [], started);
    cache.set('k:other', 'stale', ['r:x'], started);
    cache.set('k:fine', 'fine', ['r:z'], started);
    assert.equal(cache.get('k:x'), undefined);
    assert.equal(cache.get('k:other'), undefined);
    assert.equal(cache.get('k:fine')?.value, 'fine');
    const beforeClear = cache.epoch;
    cache.clear();
    cache.set('k:fine', 'old', [], beforeClear);
    assert.equal(cache.get('k:fine'), undefined, 'a read from before a clear is not stored');
  });
});
