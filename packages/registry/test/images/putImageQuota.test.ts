import { EcrError, MAX_IMAGES_PER_REPOSITORY } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { putImage } from '../../src/index.ts';
import { blobs, digestOf, dockerManifest, ociManifest, REGISTRY, REPO, setup, upload } from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

/** A repository `room` images short of the quota: the rows are seeded straight into the memory store. */
function nearlyFull(room: number) {
  const { ctx, store } = setup();
  for (let i = 0; i < MAX_IMAGES_PER_REPOSITORY - room; i++) {
    const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
    store.putImage(REPO, { digest, mediaType: 'x', sizeInBytes: 0, pushedAt: 0, tags: [] }, '{}', {
      blobs: [],
      children: [],
    });
  }
  const [config, layer] = blobs('quota', 2) as [Blob, Blob];
  upload(store, config, layer);
  return { ctx, store, first: dockerManifest(config, [layer]), second: ociManifest(config, [layer]) };
}

describe('putImage: the images-per-repository quota', () => {
  it('stores the last image the quota allows, then refuses a new one with LimitExceededException', () => {
    const { ctx, store, first, second } = nearlyFull(1);
    putImage(ctx, { repositoryName: REPO, imageManifest: first, imageTag: 'v1' });
    expect(store.imageCount(REPO)).toBe(MAX_IMAGES_PER_REPOSITORY);
    let error: unknown;
    try {
      putImage(ctx, { repositoryName: REPO, imageManifest: second, imageTag: 'v2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EcrError);
    expect(error).toMatchObject({
      code: 'LimitExceededException',
      message: `The repository with name '${REPO}' in registry with id '${REGISTRY}' already holds the maximum number of images, ${MAX_IMAGES_PER_REPOSITORY}`,
    });
    expect(store.image(REPO, digestOf(second))).toBeNull();
    expect(store.taggedDigest(REPO, 'v2')).toBeNull();
    expect(store.imageCount(REPO)).toBe(MAX_IMAGES_PER_REPOSITORY);
  });

  it('still re-pushes, tags and moves tags between the images of a full repository', () => {
    const { ctx, store, first, second } = nearlyFull(2);
    putImage(ctx, { repositoryName: REPO, imageManifest: first, imageTag: 'v1' });
    putImage(ctx, { repositoryName: REPO, imageManifest: second, imageTag: 'v2' });
    expect(store.imageCount(REPO)).toBe(MAX_IMAGES_PER_REPOSITORY);
    putImage(ctx, { repositoryName: REPO, imageManifest: first, imageTag: 'stable' });
    putImage(ctx, { repositoryName: REPO, imageManifest: second, imageTag: 'v1' });
    expect(store.image(REPO, digestOf(first))?.tags).toEqual(['stable']);
    expect(store.image(REPO, digestOf(second))?.tags).toEqual(['v1', 'v2']);
    expect(putImage(ctx, { repositoryName: REPO, imageManifest: first }).state).toBe('unchanged');
    expect(store.imageCount(REPO)).toBe(MAX_IMAGES_PER_REPOSITORY);
  });
});
