import type { EcrError } from '@edgecr/protocol';
import { DOCKER_MANIFEST, OCI_INDEX } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  batchDeleteImage,
  checkRepositoryDeletable,
  putImage,
  repositoryHasImages,
} from '../../src/index.ts';
import {
  blobs,
  digestOf,
  dockerList,
  dockerManifest,
  ociIndex,
  REGISTRY,
  REPO,
  setup,
  upload,
} from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

/** Two platform images (one tagged amd), a list of both tagged latest, and an unrelated image tagged x, y. */
function repository() {
  const { ctx, store } = setup();
  const [config, ...layers] = blobs('img', 4) as [Blob, ...Blob[]];
  upload(store, config, ...layers);
  const amd = dockerManifest(config, layers.slice(0, 1));
  const arm = dockerManifest(config, layers.slice(0, 2));
  const other = dockerManifest(config, layers.slice(0, 3));
  putImage(ctx, { repositoryName: REPO, imageManifest: amd, imageTag: 'amd' });
  putImage(ctx, { repositoryName: REPO, imageManifest: arm });
  const list = dockerList([
    { digest: digestOf(amd), size: amd.length, mediaType: DOCKER_MANIFEST, architecture: 'amd64' },
    { digest: digestOf(arm), size: arm.length, mediaType: DOCKER_MANIFEST, architecture: 'arm' },
  ]);
  putImage(ctx, { repositoryName: REPO, imageManifest: list, imageTag: 'latest' });
  putImage(ctx, { repositoryName: REPO, imageManifest: other, imageTag: 'x' });
  putImage(ctx, { repositoryName: REPO, imageManifest: other, imageTag: 'y' });
  return {
    ctx,
    store,
    config,
    layers,
    d: { amd: digestOf(amd), arm: digestOf(arm), list: digestOf(list), other: digestOf(other) },
  };
}

describe('batchDeleteImage', () => {
  it('by tag removes the tag; the image goes with its last tag', () => {
    const { ctx, store, d } = repository();
    const first = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'x' }] });
    expect(first).toEqual({ imageIds: [{ imageDigest: d.other, imageTag: 'x' }], failures: [] });
    expect(store.image(REPO, d.other)?.tags).toEqual(['y']);
    const second = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'y' }] });
    expect(second.imageIds).toEqual([{ imageDigest: d.other, imageTag: 'y' }]);
    expect(store.image(REPO, d.other)).toBeNull();
  });

  it('by digest removes the image and all its tags', () => {
    const { ctx, store, d } = repository();
    const result = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [{ imageDigest: d.other }] });
    expect(result.imageIds).toEqual([
      { imageDigest: d.other, imageTag: 'x' },
      { imageDigest: d.other, imageTag: 'y' },
    ]);
    expect(store.image(REPO, d.other)).toBeNull();
    expect(store.taggedDigest(REPO, 'x')).toBeNull();
  });

  it('refuses to delete an image a remaining index lists, by digest or by its last tag', () => {
    const { ctx, store, d } = repository();
    const result = batchDeleteImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageDigest: d.arm }, { imageTag: 'amd' }],
    });
    expect(result.imageIds).toEqual([]);
    expect(result.failures?.map((f) => [f.imageId, f.failureCode, f.failureReason])).toEqual([
      [
        { imageDigest: d.arm },
        'ImageReferencedByManifestList',
        'The image is referenced by a manifest list in this repository and cannot be deleted',
      ],
      [{ imageTag: 'amd' }, 'ImageReferencedByManifestList', expect.any(String)],
    ]);
    expect(store.image(REPO, d.arm)).not.toBeNull();
    expect(store.taggedDigest(REPO, 'amd')).toBe(d.amd);
  });

  it('deletes an index and the images it lists in one call, whatever the order', () => {
    const { ctx, store, d } = repository();
    const result = batchDeleteImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageDigest: d.arm }, { imageTag: 'amd' }, { imageTag: 'latest' }],
    });
    expect(result.failures).toEqual([]);
    expect(result.imageIds).toHaveLength(3);
    for (const digest of [d.arm, d.amd, d.list]) expect(store.image(REPO, digest)).toBeNull();
  });

  it('deletes nested indexes with their images in one call, refusing while an outer index stays', () => {
    const { ctx, store, d } = repository();
    const inner = ociIndex([{ digest: d.other, size: 1, mediaType: DOCKER_MANIFEST, architecture: 'amd64' }]);
    const outer = ociIndex([
      { digest: digestOf(inner), size: inner.length, mediaType: OCI_INDEX, architecture: 'amd64' },
    ]);
    putImage(ctx, { repositoryName: REPO, imageManifest: inner });
    putImage(ctx, { repositoryName: REPO, imageManifest: outer, imageTag: 'nested' });
    const ids = [{ imageDigest: d.other }, { imageDigest: digestOf(inner) }];
    const refused = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: ids });
    expect(refused.failures?.map((f) => f.failureCode)).toEqual([
      'ImageReferencedByManifestList',
      'ImageReferencedByManifestList',
    ]);
    const done = batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [...ids, { imageTag: 'nested' }] });
    expect(done.failures).toEqual([]);
    for (const digest of [d.other, digestOf(inner), digestOf(outer)])
      expect(store.image(REPO, digest)).toBeNull();
  });

  it('answers unknown and invalid ids with failures and deletes nothing for them', () => {
    const { ctx, store, d } = repository();
    const result = batchDeleteImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'nope' }, { imageDigest: digestOf('nope') }, {}, { imageDigest: 'md5' }],
    });
    expect(result.imageIds).toEqual([]);
    expect(result.failures?.map((f) => f.failureCode)).toEqual([
      'ImageNotFound',
      'ImageNotFound',
      'MissingDigestAndTag',
      'InvalidImageDigest',
    ]);
    expect(store.image(REPO, d.other)).not.toBeNull();
  });

  it('keeps the layers and the references other images still hold', () => {
    const { ctx, store, layers, config, d } = repository();
    batchDeleteImage(ctx, { repositoryName: REPO, imageIds: [{ imageDigest: d.other }] });
    // The remaining images still use the config and the first two layers; nobody uses the third any more.
    expect(store.isBlobReferenced(REPO, config.digest)).toBe(true);
    expect(store.isBlobReferenced(REPO, (layers[1] as Blob).digest)).toBe(true);
    expect(store.isBlobReferenced(REPO, (layers[2] as Blob).digest)).toBe(false);
    expect(store.layerSize(REPO, (layers[2] as Blob).digest)).toBe((layers[2] as Blob).size);
  });
});

describe('repository deletion', () => {
  it("refuses a repository with images unless forced, in ECR's words", () => {
    const { ctx, store } = repository();
    expect(repositoryHasImages(ctx, REPO)).toBe(true);
    let error: unknown;
    try {
      checkRepositoryDeletable(ctx, REPO, false);
    } catch (err) {
      error = err;
    }
    expect((error as EcrError).code).toBe('RepositoryNotEmptyException');
    expect((error as EcrError).message).toBe(
      `The repository with name '${REPO}' in registry with id '${REGISTRY}' cannot be deleted because it still contains images`,
    );
    expect(() => checkRepositoryDeletable(ctx, REPO, true)).not.toThrow();
    store.deleteAllImages(REPO);
    expect(repositoryHasImages(ctx, REPO)).toBe(false);
    expect(() => checkRepositoryDeletable(ctx, REPO, false)).not.toThrow();
  });
});
