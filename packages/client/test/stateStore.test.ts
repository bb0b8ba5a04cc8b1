import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { record, stateStoreConformance } from '../src/conformance/stateStore.ts';
import { IndexedDbStateStore, MemoryStateStore, recordKey } from '../src/index.ts';

stateStoreConformance('MemoryStateStore', () => new MemoryStateStore());
// A fresh in-memory IndexedDB per test (fake-indexeddb implements the W3C API on Node).
stateStoreConformance('IndexedDbStateStore', () => new IndexedDbStateStore('test', new IDBFactory()));

describe('IndexedDbStateStore', () => {
  it('keeps records across connections to the same database, as across page loads', async () => {
    const factory = new IDBFactory();
    const first = new IndexedDbStateStore('uploads', factory);
    await first.put(record('a'));
    await first.close();
    const second = new IndexedDbStateStore('uploads', factory);
    expect(await second.get('a')).toEqual(record('a'));
  });
});

describe('recordKey', () => {
  it('tells endpoints, registries, repositories and files apart', () => {
    const base = {
      endpoint: 'http://a/',
      registryId: '',
      repositoryName: 'app',
      name: 'l.tar',
      size: 1,
      lastModified: 2,
    };
    const keys = new Set([
      recordKey(base),
      recordKey({ ...base, endpoint: 'http://b/' }),
      recordKey({ ...base, registryId: '123456789012' }),
      recordKey({ ...base, repositoryName: 'app2' }),
      recordKey({ ...base, name: 'm.tar' }),
      recordKey({ ...base, size: 3 }),
      recordKey({ ...base, lastModified: 4 }),
    ]);
    expect(keys.size).toBe(7);
    expect(recordKey({ ...base })).toBe(recordKey(base));
  });
});
