import { MiB, streamOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryBlobStore, MemoryHost } from '../src/index.ts';

describe('MemoryHost', () => {
  it('moves an upload deadline with every part, and expires it only once the deadline passed', async () => {
    let now = 1_000_000;
    const host = new MemoryHost({ now: () => now });
    const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 10 });
    await registry.catalog.createRepository({ repositoryName: 'app' });
    const { uploadId } = await registry.initiateLayerUpload('app');
    now += 9_000;
    await registry.uploadLayerPart(
      { repositoryName: 'app', uploadId },
      { first: 0, last: 9 },
      streamOf(new Uint8Array(10)),
    );
    now += 9_000;
    await host.runDueWakeUps();
    expect(await host.openUploads()).toEqual([uploadId]);
    now += 2_000;
    await host.runDueWakeUps();
    expect(await host.openUploads()).toEqual([]);
  });

  it('serialises the calls on one upload: a part waits for the one before it', async () => {
    const host = new MemoryHost();
    const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
    await registry.catalog.createRepository({ repositoryName: 'app' });
    const ref = { repositoryName: 'app', ...(await registry.initiateLayerUpload('app')) };
    let release: () => void = () => undefined;
    const slow = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        controller.enqueue(new Uint8Array(10));
        controller.close();
      },
    });
    const first = registry.uploadLayerPart(ref, { first: 0, last: 9 }, slow);
    // Sent while the first is still streaming: it must see the first part's bytes, not an empty upload.
    const second = registry.uploadLayerPart(ref, { first: 10, last: 19 }, streamOf(new Uint8Array(10)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect(await Promise.all([first, second])).toEqual([9, 19]);
  });
});

describe('MemoryBlobStore', () => {
  it('refuses a multipart layout R2 would refuse: unequal parts, or parts under 5 MiB', async () => {
    const blobs = new MemoryBlobStore();
    const id = await blobs.createMultipart('k');
    const parts = [
      await blobs.uploadPart('k', id, 1, new Uint8Array(6 * MiB)),
      await blobs.uploadPart('k', id, 2, new Uint8Array(5 * MiB)),
      await blobs.uploadPart('k', id, 3, new Uint8Array(1)),
    ];
    await expect(blobs.completeMultipart('k', id, parts)).rejects.toThrow(/one size/);
    const small = await blobs.createMultipart('s');
    const tiny = [
      await blobs.uploadPart('s', small, 1, new Uint8Array(MiB)),
      await blobs.uploadPart('s', small, 2, new Uint8Array(1)),
    ];
    await expect(blobs.completeMultipart('s', small, tiny)).rejects.toThrow(/at least 5 MiB/);
  });
});
