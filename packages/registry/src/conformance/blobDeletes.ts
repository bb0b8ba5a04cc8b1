import { testLayerBytes } from '@edgecr/chunker/testing';
import { digestOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceFactories,
  dockerManifest,
  freshRegistryId,
  pushBlob,
  streamOf,
} from './fixtures.ts';

/**
 * Deleting a blob from a repository (the OCI door's blob DELETE) through the hosting: the link goes, the bytes
 * with the last link, a blob an image references stays, and a sha512 alias names the same blob.
 */
export function blobDeletesSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const fixture = await factories.registry();
    const registryId = freshRegistryId();
    const registry = fixture.registry(registryId);
    const repositoryName = `del-${crypto.randomUUID().slice(0, 8)}`;
    await registry.catalog.createRepository({ repositoryName });
    return { fixture, registryId, registry, repositoryName };
  };
  const bytes = (text: string) => new TextEncoder().encode(text);

  describe('blob deletes', () => {
    it('deletes a blob and its bytes; then, or for a digest never pushed, it is unknown', async () => {
      const { fixture, registry, repositoryName } = await fresh();
      const blob = await pushBlob(registry, repositoryName, bytes(`loose ${repositoryName}`));
      const objectKey = (await registry.catalog.findLayer(repositoryName, blob.digest))?.objectKey as string;
      expect(await fixture.blobs.head(objectKey)).toEqual({ size: blob.size });
      expect(await registry.catalog.deleteLayer(repositoryName, blob.digest)).toBe('deleted');
      expect(await registry.catalog.findLayer(repositoryName, blob.digest)).toBeNull();
      expect(await fixture.blobs.head(objectKey)).toBeNull();
      expect(await registry.catalog.deleteLayer(repositoryName, blob.digest)).toBe('unknown');
      expect(await registry.catalog.deleteLayer(repositoryName, `sha256:${'c'.repeat(64)}`)).toBe('unknown');
      expect((await registry.catalog.checkLayers(repositoryName, [blob.digest])).layers).toEqual([]);
    });

    it('needs the repository', async () => {
      const { registry, registryId } = await fresh();
      await expect(registry.catalog.deleteLayer('nope', `sha256:${'c'.repeat(64)}`)).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
        message: `The repository with name 'nope' does not exist in the registry with id '${registryId}'`,
      });
    });

    it('keeps the one copy while another repository holds it, and deletes it with the last link', async () => {
      const { fixture, registry, repositoryName } = await fresh();
      const other = `${repositoryName}-b`;
      await registry.catalog.createRepository({ repositoryName: other });
      const blob = await pushBlob(registry, repositoryName, bytes(`shared ${repositoryName}`));
      expect(await registry.mountBlob(other, blob.digest, repositoryName)).toBe(true);
      const objectKey = (await registry.catalog.findLayer(other, blob.digest))?.objectKey as string;
      expect(await registry.catalog.deleteLayer(repositoryName, blob.digest)).toBe('deleted');
      expect(await registry.catalog.findLayer(repositoryName, blob.digest)).toBeNull();
      expect((await registry.catalog.findLayer(other, blob.digest))?.objectKey).toBe(objectKey);
      expect(await fixture.blobs.head(objectKey)).toEqual({ size: blob.size });
      expect(await registry.catalog.deleteLayer(other, blob.digest)).toBe('deleted');
      expect(await fixture.blobs.head(objectKey)).toBeNull();
    });

    it('refuses a blob an image of the repository references, until the image goes', async () => {
      const { fixture, registry, repositoryName } = await fresh();
      const layer = await pushBlob(registry, repositoryName, bytes(`layer ${repositoryName}`));
      const config = await pushBlob(registry, repositoryName, bytes(`{"c":"${repositoryName}"}`));
      const pushed = await registry.catalog.putImage({
        repositoryName,
        imageManifest: dockerManifest(config, [layer]),
      });
      const objectKey = (await registry.catalog.findLayer(repositoryName, layer.digest))?.objectKey as string;
      for (const blob of [layer, config]) {
        expect(await registry.catalog.deleteLayer(repositoryName, blob.digest)).toBe('referenced');
      }
      expect(await registry.catalog.findLayer(repositoryName, layer.digest)).toMatchObject({
        referenced: true,
      });
      expect(await fixture.blobs.head(objectKey)).toEqual({ size: layer.size });
      // An image of another repository does not hold this repository's link: only its own link keeps it.
      const other = `${repositoryName}-b`;
      await registry.catalog.createRepository({ repositoryName: other });
      expect(await registry.mountBlob(other, layer.digest, repositoryName)).toBe(true);
      expect(await registry.catalog.deleteLayer(other, layer.digest)).toBe('deleted');
      expect(await fixture.blobs.head(objectKey)).toEqual({ size: layer.size });
      const imageDigest = pushed.image?.imageId?.imageDigest as string;
      await registry.catalog.batchDeleteImage({ repositoryName, imageIds: [{ imageDigest }] });
      expect(await registry.catalog.deleteLayer(repositoryName, layer.digest)).toBe('deleted');
      expect(await fixture.blobs.head(objectKey)).toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, config.digest)).not.toBeNull();
    });

    it('deletes a blob by its sha512 alias: gone by either digest', async () => {
      const { fixture, registry, repositoryName } = await fresh();
      const content = testLayerBytes(3000, 31);
      const ref = { repositoryName, uploadId: await registry.startBlobUpload(repositoryName) };
      await registry.uploadLayerPart(ref, {}, streamOf(content));
      const sha512 = await registry.completeBlobUpload(ref, await digestOf('sha512', content));
      const sha256 = await digestOf('sha256', content);
      const objectKey = (await registry.catalog.findLayer(repositoryName, sha256))?.objectKey as string;
      expect(await registry.catalog.deleteLayer(repositoryName, sha512)).toBe('deleted');
      expect(await registry.catalog.findLayer(repositoryName, sha256)).toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, sha512)).toBeNull();
      expect(await registry.catalog.deleteLayer(repositoryName, sha512)).toBe('unknown');
      expect(await fixture.blobs.head(objectKey)).toBeNull();
    });
  });
}
