import { manifestDigest, OCI_INDEX, OCI_MANIFEST } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { newRepositoryRecord } from '../catalog/records.ts';
import type { ImageRecord } from '../images/store.ts';
import {
  type ConformanceFactories,
  dockerManifest,
  freshRegistryId,
  pushBlob,
  sha256Digest,
} from './fixtures.ts';

const record = (digest: string, overrides: Partial<ImageRecord> = {}): ImageRecord => ({
  digest,
  mediaType: OCI_MANIFEST,
  sizeInBytes: 10,
  pushedAt: 1_000,
  tags: [],
  ...overrides,
});

/** What the image rules rely on of a CatalogStore, and the image operations through the registry service. */
export function imagesSuite(factories: ConformanceFactories): void {
  describe('CatalogStore images', () => {
    const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

    it('keeps an image, its manifest bytes (over 1 MiB, multi-byte), tags and references', async () => {
      await factories.withCatalogStore(async (store) => {
        // Over the 1 MiB chunk size, with a four-byte character straddling a chunk boundary.
        const manifest = `{"x":"${'a'.repeat(1024 * 1024 - 8)}😀${'é'.repeat(300_000)}"}`;
        await store.transaction((t) => {
          t.insertRepository(newRepositoryRecord({ repositoryName: 'r' }, new Date(0)));
          t.insertBlob({ digest: d(1), size: 7, objectKey: 'k1' });
          t.link('r', d(1), 5);
          t.putImage('r', record(d(2), { artifactMediaType: 'a/b', subjectDigest: d(9) }), manifest, {
            blobs: [d(1)],
            children: [],
          });
          t.putImage('r', record(d(3), { mediaType: OCI_INDEX }), '{}', { blobs: [], children: [d(2)] });
          t.setTag('r', 'v1', d(2));
          t.setTag('r', 'a', d(2));
          t.setTag('r', 'list', d(3));
        });
        const seen = await store.transaction((t) => ({
          manifest: t.manifest('r', d(2)),
          image: t.image('r', d(2)),
          tag: t.taggedDigest('r', 'v1'),
          size: [t.layerSize('r', d(1)), t.layerSize('r', d(7))],
          referenced: [t.isBlobReferenced('r', d(1)), t.isBlobReferenced('r', d(7))],
          parents: t.parentsOf('r', d(2)),
          links: t.unreferencedLinks(10),
          referrers: [t.referrersOf('r', d(9)).map((i) => i.digest), t.referrersOf('r', d(2))],
        }));
        expect(seen.manifest === manifest).toBe(true);
        expect(seen.image).toEqual(
          record(d(2), { artifactMediaType: 'a/b', subjectDigest: d(9), tags: ['a', 'v1'] }),
        );
        expect(seen).toMatchObject({
          tag: d(2),
          size: [7, null],
          referenced: [true, false],
          parents: [d(3)],
          referrers: [[d(2)], []],
        });
        expect(seen.links).toEqual([]);
        // Moving a tag, pulls, listing by tag status, the repository's tag settings.
        await store.transaction((t) => {
          t.setTag('r', 'v1', d(3));
          t.recordPull('r', d(2), 2_000);
          t.setTagMutability('r', { imageTagMutability: 'IMMUTABLE' });
        });
        const after = await store.transaction((t) => ({
          v1: t.taggedDigest('r', 'v1'),
          pulled: t.image('r', d(2))?.lastRecordedPullTime,
          tagged: t.listImages('r', { limit: 10, tagStatus: 'TAGGED' }).map((i) => i.digest),
          from: t.listImages('r', { from: d(3), limit: 10, tagStatus: 'ANY' }).map((i) => i.digest),
          mutability: t.repository('r')?.imageTagMutability,
        }));
        expect(after).toEqual({
          v1: d(3),
          pulled: 2_000,
          tagged: [d(2), d(3)],
          from: [d(3)],
          mutability: 'IMMUTABLE',
        });
      });
    });

    it('deletes images with their tags and references, refusing a child an index still lists', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => {
          t.insertRepository(newRepositoryRecord({ repositoryName: 'r' }, new Date(0)));
          t.insertBlob({ digest: d(1), size: 7, objectKey: 'k1' });
          t.link('r', d(1), 5);
          t.putImage('r', record(d(2)), '{"a":1}', { blobs: [d(1)], children: [] });
          t.putImage('r', record(d(3)), '{}', { blobs: [], children: [d(2)] });
          t.setTag('r', 'x', d(2));
        });
        expect(await store.transaction((t) => t.imageCount('r'))).toBe(2);
        await expect(store.transaction((t) => t.deleteImage('r', d(2)))).rejects.toThrow();
        await store.transaction((t) => {
          t.deleteImage('r', d(3));
          t.deleteImage('r', d(2));
        });
        const seen = await store.transaction((t) => ({
          images: [t.image('r', d(2)), t.image('r', d(3))],
          tag: t.taggedDigest('r', 'x'),
          any: t.hasImages('r'),
          count: t.imageCount('r'),
          links: t.unreferencedLinks(10),
        }));
        expect(seen).toEqual({
          images: [null, null],
          tag: null,
          any: false,
          count: 0,
          links: [{ repositoryName: 'r', digest: d(1), linkedAt: 5 }],
        });
        await store.transaction((t) => {
          t.putImage('r', record(d(2)), '{"a":1}', { blobs: [d(1)], children: [] });
          t.putImage('r', record(d(3)), '{}', { blobs: [], children: [d(2)] });
          t.deleteAllImages('r');
        });
        expect(await store.transaction((t) => t.hasImages('r'))).toBe(false);
      });
    });

    it('lists unreferenced links oldest first and drops one link', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => {
          for (const name of ['a', 'b'])
            t.insertRepository(newRepositoryRecord({ repositoryName: name }, new Date(0)));
          t.insertBlob({ digest: d(1), size: 1, objectKey: 'k1' });
          t.link('a', d(1), 30);
          t.link('b', d(1), 10);
          t.putImage('a', record(d(5)), '{}', { blobs: [], children: [] });
        });
        expect(await store.transaction((t) => t.unreferencedLinks(1))).toEqual([
          { repositoryName: 'b', digest: d(1), linkedAt: 10 },
        ]);
        await store.transaction((t) => t.retimeUnreferencedLinks('b', 50));
        expect(await store.transaction((t) => t.unreferencedLinks(5))).toEqual([
          { repositoryName: 'a', digest: d(1), linkedAt: 30 },
          { repositoryName: 'b', digest: d(1), linkedAt: 50 },
        ]);
        await store.transaction((t) => t.unlink('b', d(1)));
        expect(await store.transaction((t) => [t.linked('b', d(1)), t.linked('a', d(1))])).toEqual([
          false,
          true,
        ]);
      });
    });
  });

  describe('images', () => {
    const fresh = async () => {
      const fixture = await factories.registry();
      const registryId = freshRegistryId();
      const registry = fixture.registry(registryId);
      const repositoryName = `img-${crypto.randomUUID().slice(0, 8)}`;
      await registry.catalog.createRepository({ repositoryName });
      return { fixture, registryId, registry, repositoryName };
    };
    const bytes = (text: string) => new TextEncoder().encode(text);

    it('pushes, gets byte for byte, describes, refuses to delete the repository, then forces it', async () => {
      const { fixture, registry, repositoryName, registryId } = await fresh();
      const layer = await pushBlob(registry, repositoryName, bytes(`layer ${repositoryName}`));
      const config = await pushBlob(registry, repositoryName, bytes(`{"config":"${repositoryName}"}`));
      const manifest = dockerManifest(config, [layer]);
      const pushed = await registry.catalog.putImage({
        repositoryName,
        imageManifest: manifest,
        imageTag: 'v1',
      });
      const digest = manifestDigest(manifest);
      expect(digest).toBe(await sha256Digest(bytes(manifest)));
      expect(pushed.image?.imageId).toEqual({ imageDigest: digest, imageTag: 'v1' });
      const got = await registry.catalog.batchGetImage({ repositoryName, imageIds: [{ imageTag: 'v1' }] });
      expect(got.images?.[0]?.imageManifest === manifest).toBe(true);
      const oci = await registry.catalog.batchGetImage({
        repositoryName,
        imageIds: [{ imageTag: 'v1' }],
        acceptedMediaTypes: [OCI_MANIFEST],
      });
      expect(oci.images?.[0]?.imageManifestMediaType).toBe(OCI_MANIFEST);
      await registry.catalog.recordPulls({ repositoryName, imageIds: [{ imageTag: 'v1' }] });
      const described = await registry.catalog.describeImages({ repositoryName });
      expect(described.imageDetails).toEqual([
        expect.objectContaining({ imageDigest: digest, imageTags: ['v1'], imageSizeInBytes: layer.size }),
      ]);
      expect(described.imageDetails?.[0]?.lastRecordedPullTime).toEqual(expect.any(Number));
      expect((await registry.catalog.findLayer(repositoryName, layer.digest))?.referenced).toBe(true);
      await expect(registry.catalog.deleteRepository(repositoryName)).rejects.toMatchObject({
        code: 'RepositoryNotEmptyException',
        message: `The repository with name '${repositoryName}' in registry with id '${registryId}' cannot be deleted because it still contains images`,
      });
      const objectKey = (await registry.catalog.findLayer(repositoryName, layer.digest))?.objectKey as string;
      await registry.catalog.deleteRepository(repositoryName, true);
      expect(await fixture.blobs.head(objectKey)).toBeNull();
      await registry.catalog.createRepository({ repositoryName });
      expect((await registry.catalog.listImages({ repositoryName })).imageIds).toEqual([]);
    });

    it('sweeps layers no image references once the grace period passes, keeping the others', async () => {
      const { fixture, registry, repositoryName, registryId } = await fresh();
      const loose = await pushBlob(registry, repositoryName, bytes(`loose ${repositoryName}`));
      const layer = await pushBlob(registry, repositoryName, bytes(`kept ${repositoryName}`));
      const config = await pushBlob(registry, repositoryName, bytes(`{"c":"${repositoryName}"}`));
      const pushed = await registry.catalog.putImage({
        repositoryName,
        imageManifest: dockerManifest(config, [layer]),
      });
      const image = pushed.image?.imageId?.imageDigest as string;
      const looseKey = (await registry.catalog.findLayer(repositoryName, loose.digest))?.objectKey as string;
      expect((await registry.catalog.findLayer(repositoryName, loose.digest))?.referenced).toBe(false);
      await fixture.age(registryId, fixture.graceSeconds - 3600);
      expect(await registry.catalog.findLayer(repositoryName, loose.digest)).not.toBeNull();
      // A layer pushed now, just before its image would be: younger than the grace, it survives the sweep.
      const young = await pushBlob(registry, repositoryName, bytes(`young ${repositoryName}`));
      await fixture.age(registryId, 7200);
      expect(await registry.catalog.findLayer(repositoryName, loose.digest)).toBeNull();
      expect(await fixture.blobs.head(looseKey)).toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, young.digest)).not.toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, layer.digest)).not.toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, config.digest)).not.toBeNull();

      // Deleting the image starts its layers' grace: they outlive the next sweeps until it passes.
      await registry.catalog.batchDeleteImage({ repositoryName, imageIds: [{ imageDigest: image }] });
      await fixture.age(registryId, fixture.graceSeconds - 3600);
      expect(await registry.catalog.findLayer(repositoryName, layer.digest)).not.toBeNull();
      await fixture.age(registryId, 7200);
      expect(await registry.catalog.findLayer(repositoryName, layer.digest)).toBeNull();
      expect(await registry.catalog.findLayer(repositoryName, config.digest)).toBeNull();
    });
  });
}
