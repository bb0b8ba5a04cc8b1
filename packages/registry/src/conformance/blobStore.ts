import { testLayerBytes } from '@edgecr/chunker/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../ports/blobStore.ts';
import { type ConformanceFactories, readAll, sha256Digest } from './fixtures.ts';

/** What the registry relies on of a BlobStore. */
export function blobStoreSuite(factories: ConformanceFactories): void {
  const fresh = () => `conformance/${crypto.randomUUID()}`;
  const open = async (): Promise<BlobStore> => factories.blobStore();

  describe('BlobStore', () => {
    it('puts, heads, reads ranges of and deletes an object', async () => {
      const blobs = await open();
      const key = fresh();
      const bytes = testLayerBytes(4096, 2);
      await blobs.put(key, bytes);
      expect(await blobs.head(key)).toEqual({ size: 4096 });
      const whole = await blobs.get(key);
      expect(whole?.size).toBe(4096);
      expect(await readAll(whole?.body as ReadableStream<Uint8Array>)).toEqual(bytes);
      const range = await blobs.get(key, { offset: 100, length: 50 });
      expect(range?.size).toBe(4096);
      expect(await readAll(range?.body as ReadableStream<Uint8Array>)).toEqual(bytes.subarray(100, 150));
      await blobs.delete([key, fresh()]);
      expect(await blobs.head(key)).toBeNull();
      expect(await blobs.get(key)).toBeNull();
    });

    it('joins multipart parts in order, a part written again replacing the first bytes', async () => {
      const blobs = await open();
      const key = fresh();
      const id = await blobs.createMultipart(key);
      const first = testLayerBytes(5 * MiB, 3);
      const second = testLayerBytes(5 * MiB, 4);
      const last = testLayerBytes(1000, 5);
      const p2 = await blobs.uploadPart(key, id, 2, testLayerBytes(5 * MiB, 9));
      expect(p2.partNumber).toBe(2);
      const parts = [
        await blobs.uploadPart(key, id, 1, first),
        await blobs.uploadPart(key, id, 2, second),
        await blobs.uploadPart(key, id, 3, last),
      ];
      await blobs.completeMultipart(key, id, parts);
      const stored = await blobs.get(key);
      expect(stored?.size).toBe(10 * MiB + 1000);
      const bytes = await readAll(stored?.body as ReadableStream<Uint8Array>);
      // Compared by digest: a deep equality of megabytes is slow in expect.
      const joined = new Uint8Array(10 * MiB + 1000);
      joined.set(first);
      joined.set(second, 5 * MiB);
      joined.set(last, 10 * MiB);
      expect(await sha256Digest(bytes)).toBe(await sha256Digest(joined));
      await blobs.delete([key]);
    });

    it('stores nothing for an aborted multipart upload', async () => {
      const blobs = await open();
      const key = fresh();
      const id = await blobs.createMultipart(key);
      await blobs.uploadPart(key, id, 1, testLayerBytes(5 * MiB));
      await blobs.abortMultipart(key, id);
      expect(await blobs.head(key)).toBeNull();
    });

    it('aborts a multipart upload already aborted or completed as a no-op', async () => {
      const blobs = await open();
      const aborted = fresh();
      const abortedId = await blobs.createMultipart(aborted);
      await blobs.abortMultipart(aborted, abortedId);
      await blobs.abortMultipart(aborted, abortedId);
      const completed = fresh();
      const completedId = await blobs.createMultipart(completed);
      const part = await blobs.uploadPart(completed, completedId, 1, testLayerBytes(1000, 6));
      await blobs.completeMultipart(completed, completedId, [part]);
      await blobs.abortMultipart(completed, completedId);
      expect(await blobs.head(completed)).toEqual({ size: 1000 });
      await blobs.delete([completed]);
    });
  });
}
