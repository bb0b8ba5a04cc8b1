// An upload whose release a crash cut short: its multipart upload is aborted, its record not yet cleared.
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore, MemoryHost } from '../src/index.ts';

const streamOf = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });

describe('an upload released part way', () => {
  it('is gone to every call, and its wake-up finishes the release', async () => {
    const blobs = new MemoryBlobStore(1024);
    let now = 1_000_000;
    const host = new MemoryHost({ blobs, now: () => now });
    const registry = host.registry('123456789012', { partSize: 1024, uploadTtlSeconds: 60 });
    await registry.catalog.createRepository({ repositoryName: 'app' });
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, { first: 0, last: 2999 }, streamOf(new Uint8Array(3000).fill(7)));
    expect(blobs.openMultiparts()).toBe(1);
    // The storage fails once as the record is cleared, after the multipart upload was aborted.
    const store = host.uploadStore(ref.uploadId);
    if (!store) throw new Error('no upload state');
    const clear = store.clear.bind(store);
    store.clear = async () => {
      store.clear = clear;
      throw new Error('storage reset');
    };
    await expect(registry.cancelUpload(ref)).rejects.toThrow('storage reset');
    expect(blobs.openMultiparts()).toBe(0);
    // No client resumes into the multipart upload that is gone: the upload is not found, not a server error.
    await expect(registry.uploadedBytes(ref)).rejects.toMatchObject({ code: 'UploadNotFoundException' });
    await expect(
      registry.uploadLayerPart(ref, { first: 3000, last: 3009 }, streamOf(new Uint8Array(10))),
    ).rejects.toMatchObject({ code: 'UploadNotFoundException' });
    now += 60_000;
    await host.runDueWakeUps();
    expect(await host.openUploads()).toEqual([]);
  });
});
