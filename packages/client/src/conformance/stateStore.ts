// The suite every StateStore passes (tus's habit: one conformance suite for every storage backend).
import { ResumableSha256 } from '@edgecr/chunker';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore, UploadRecord } from '../index.ts';

/** An upload record keyed `key`, valid in every field, with `overrides` applied. */
export function record(key: string, overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    key,
    endpoint: 'http://127.0.0.1:8787/',
    registryId: '123456789012',
    repositoryName: 'app',
    uploadId: `upload-${key}`,
    partSize: 10_485_760,
    fingerprint: {
      name: `${key}.tar`,
      size: 42,
      lastModified: 7,
      headBytes: 42,
      headSha256: 'ab'.repeat(32),
    },
    offset: 10,
    hashState: new ResumableSha256().update(new Uint8Array(10)).save(),
    updatedAt: 100,
    ...overrides,
  };
}

/** Registers the suite every {@link StateStore} passes, for the store `create` makes fresh before each test. */
export function stateStoreConformance(name: string, create: () => StateStore | Promise<StateStore>): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await create();
    });

    it('returns undefined for a missing key and an empty list at first', async () => {
      expect(await store.get('nothing')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('keeps a record as it was put, hash state included', async () => {
      const saved = record('a');
      await store.put(saved);
      expect(await store.get('a')).toEqual(saved);
    });

    it('replaces the record with the same key', async () => {
      await store.put(record('a'));
      await store.put(record('a', { offset: 20, updatedAt: 200 }));
      expect((await store.get('a'))?.offset).toBe(20);
      expect(await store.list()).toHaveLength(1);
    });

    it('lists every record, oldest update first', async () => {
      await store.put(record('b', { updatedAt: 300 }));
      await store.put(record('a', { updatedAt: 100 }));
      await store.put(record('c', { updatedAt: 200 }));
      expect((await store.list()).map((r) => r.key)).toEqual(['a', 'c', 'b']);
    });

    it('deletes, and deleting a missing key is no error', async () => {
      await store.put(record('a'));
      await store.delete('a');
      await store.delete('a');
      expect(await store.get('a')).toBeUndefined();
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const saved = record('a');
      await store.put(saved);
      saved.offset = 999;
      const got = await store.get('a');
      if (!got) throw new Error('missing');
      got.hashState.h[0] = 0;
      expect(await store.get('a')).toEqual(record('a'));
    });
  });
}
