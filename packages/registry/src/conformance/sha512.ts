import { testLayerBytes } from '@edgecr/chunker/testing';
import { digestOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { type ConformanceFactories, freshRegistryId, streamOf } from './fixtures.ts';

/**
 * sha512 names through the hosting: an OCI upload's two midstates carried from part to part by the upload's
 * store, a blob and a manifest found by their sha512 alias in the catalog's store.
 */
export function sha512Suite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const fixture = await factories.registry();
    const registry = fixture.registry(freshRegistryId());
    const repositoryName = `app-${crypto.randomUUID().slice(0, 8)}`;
    await registry.catalog.createRepository({ repositoryName });
    return { fixture, registry, repositoryName };
  };

  describe('sha512 digests', () => {
    it('closes a chunked OCI upload across a part boundary by sha512; the blob is found and mounted by it', async () => {
      const { fixture, registry, repositoryName } = await fresh();
      const bytes = testLayerBytes(fixture.partSize + 1000, 21);
      const ref = { repositoryName, uploadId: await registry.startBlobUpload(repositoryName) };
      for (const [first, end] of [
        [0, 700],
        [700, fixture.partSize + 10],
        [fixture.partSize + 10, bytes.length],
      ] as const) {
        await registry.uploadLayerPart(ref, { first, last: end - 1 }, streamOf(bytes.subarray(first, end)));
      }
      const digest = await digestOf('sha512', bytes);
      await expect(
        registry.completeBlobUpload(ref, await digestOf('sha512', bytes.subarray(1))),
      ).rejects.toMatchObject({ code: 'InvalidLayerException' });
      expect(await registry.uploadedBytes(ref)).toBe(bytes.length);
      expect(await registry.completeBlobUpload(ref, digest)).toBe(digest);
      const layer = await registry.catalog.findLayer(repositoryName, digest);
      expect(layer).toMatchObject({ digest, size: bytes.length });
      expect(
        (await registry.catalog.findLayer(repositoryName, await digestOf('sha256', bytes)))?.objectKey,
      ).toBe(layer?.objectKey);
      await registry.catalog.createRepository({ repositoryName: `${repositoryName}-copy` });
      expect(await registry.mountBlob(`${repositoryName}-copy`, digest, repositoryName)).toBe(true);
      expect((await registry.catalog.findLayer(`${repositoryName}-copy`, digest))?.objectKey).toBe(
        layer?.objectKey,
      );
    });

    it('finds a manifest pushed with its sha512 alias by that alias, and deletes it by it', async () => {
      const { registry, repositoryName } = await fresh();
      const config = testLayerBytes(50, 22);
      const ref = { repositoryName, uploadId: await registry.startBlobUpload(repositoryName) };
      await registry.uploadLayerPart(ref, {}, streamOf(config));
      const configDigest = await registry.completeBlobUpload(ref, await digestOf('sha512', config));
      const text = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: 50 },
        layers: [],
      });
      const bytes = new TextEncoder().encode(text);
      const [sha256, sha512] = [await digestOf('sha256', bytes), await digestOf('sha512', bytes)];
      await registry.catalog.putImage({ repositoryName, imageManifest: text }, sha512);
      const { images = [] } = await registry.catalog.batchGetImage({
        repositoryName,
        imageIds: [{ imageDigest: sha512 }],
      });
      expect(images[0]).toMatchObject({ imageManifest: text, imageId: { imageDigest: sha256 } });
      const deleted = await registry.catalog.batchDeleteImage({
        repositoryName,
        imageIds: [{ imageDigest: sha512 }],
      });
      expect(deleted.imageIds).toEqual([{ imageDigest: sha256 }]);
    });
  });
}
