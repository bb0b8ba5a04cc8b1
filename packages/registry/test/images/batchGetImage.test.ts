import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  parseManifest,
} from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  batchGetImage,
  describeImages,
  PULL_TIME_RESOLUTION_SECONDS,
  putImage,
  recordPulls,
} from '../../src/index.ts';
import { blobs, digestOf, dockerList, dockerManifest, REGISTRY, REPO, setup, upload } from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

function repository() {
  const { ctx, store } = setup();
  const [config, ...layers] = blobs('img', 3) as [Blob, ...Blob[]];
  upload(store, config, ...layers);
  const text = dockerManifest(config, layers);
  const digest = digestOf(text);
  putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v1' });
  return { ctx, store, text, digest };
}

describe('batchGetImage', () => {
  it('returns stored manifests by tag, by digest and by both', () => {
    const { ctx, text, digest } = repository();
    const { images, failures } = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'v1' }, { imageDigest: digest }, { imageDigest: digest, imageTag: 'v1' }],
    });
    expect(failures).toEqual([]);
    expect(images?.map((image) => image.imageId)).toEqual([
      { imageDigest: digest, imageTag: 'v1' },
      { imageDigest: digest },
      { imageDigest: digest, imageTag: 'v1' },
    ]);
    for (const image of images ?? []) {
      expect(image).toMatchObject({
        registryId: REGISTRY,
        repositoryName: REPO,
        imageManifest: text,
        imageManifestMediaType: DOCKER_MANIFEST,
      });
    }
  });

  it('answers each bad id with the model failure code', () => {
    const { ctx, digest } = repository();
    const other = digestOf('other');
    const { images, failures } = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [
        {},
        { imageDigest: 'sha256:xyz' },
        { imageTag: '-bad' },
        { imageTag: 'missing' },
        { imageDigest: other },
        { imageDigest: other, imageTag: 'v1' },
        { imageDigest: digest },
      ],
    });
    expect(images).toHaveLength(1);
    expect(failures?.map((f) => [f.imageId, f.failureCode])).toEqual([
      [{}, 'MissingDigestAndTag'],
      [{ imageDigest: 'sha256:xyz' }, 'InvalidImageDigest'],
      [{ imageTag: '-bad' }, 'InvalidImageTag'],
      [{ imageTag: 'missing' }, 'ImageNotFound'],
      [{ imageDigest: other }, 'ImageNotFound'],
      [{ imageDigest: other, imageTag: 'v1' }, 'ImageTagDoesNotMatchDigest'],
    ]);
    expect(failures?.[3]?.failureReason).toBe('Requested image not found');
  });

  it('converts Docker schema 2 to OCI when asked by tag for OCI only', () => {
    const { ctx, text, digest } = repository();
    const { images } = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'v1' }],
      acceptedMediaTypes: [OCI_MANIFEST],
    });
    const [image] = images ?? [];
    expect(image?.imageManifestMediaType).toBe(OCI_MANIFEST);
    const converted = parseManifest(image?.imageManifest as string);
    expect(converted.mediaType).toBe(OCI_MANIFEST);
    expect(converted.layers.map((l) => l.digest)).toEqual(parseManifest(text).layers.map((l) => l.digest));
    // The answer names the digest of the bytes it carries; the stored image keeps its own.
    expect(image?.imageId).toEqual({ imageDigest: converted.digest, imageTag: 'v1' });
    expect(converted.digest).not.toBe(digest);
  });

  it('never converts when asked by digest, and fails types it cannot give', () => {
    const { ctx, store, digest } = repository();
    const byDigest = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageDigest: digest }],
      acceptedMediaTypes: [OCI_MANIFEST],
    });
    expect(byDigest.images).toEqual([]);
    expect(byDigest.failures?.[0]).toEqual({
      imageId: { imageDigest: digest },
      failureCode: 'ImageNotFound',
      failureReason: `The image's manifest media type '${DOCKER_MANIFEST}' is not one of the accepted media types and cannot be converted to one`,
    });
    const list = dockerList([{ digest, size: 1, mediaType: DOCKER_MANIFEST, architecture: 'amd64' }]);
    putImage(ctx, { repositoryName: REPO, imageManifest: list, imageTag: 'multi' });
    const index = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'multi' }],
      acceptedMediaTypes: [DOCKER_MANIFEST, OCI_MANIFEST, OCI_INDEX],
    });
    expect(index.failures?.map((f) => f.failureCode)).toEqual(['ImageNotFound']);
    expect(store.image(REPO, digestOf(list))?.lastRecordedPullTime).toBeUndefined();
    const accepted = batchGetImage(ctx, {
      repositoryName: REPO,
      imageIds: [{ imageTag: 'multi' }],
      acceptedMediaTypes: [DOCKER_MANIFEST_LIST],
    });
    expect(accepted.images?.[0]?.imageManifest).toBe(list);
  });

  it('only reads: a pull is recorded by recordPulls, at most once a day per image', () => {
    const { store, digest } = repository();
    let clock = 2_000_000_000;
    const ctx = { store, registryId: REGISTRY, now: () => clock };
    const pullTime = () =>
      describeImages(ctx, { repositoryName: REPO }).imageDetails?.[0]?.lastRecordedPullTime;
    batchGetImage(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] });
    expect(pullTime()).toBeUndefined();
    recordPulls(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'v1' }] });
    expect(pullTime()).toBe(2_000_000_000);
    expect(PULL_TIME_RESOLUTION_SECONDS).toBe(86_400);
    clock += PULL_TIME_RESOLUTION_SECONDS - 1;
    recordPulls(ctx, { repositoryName: REPO, imageIds: [{ imageDigest: digest }] });
    expect(pullTime()).toBe(2_000_000_000);
    clock += 1;
    recordPulls(ctx, { repositoryName: REPO, imageIds: [{ imageDigest: digest }] });
    expect(pullTime()).toBe(2_000_000_000 + PULL_TIME_RESOLUTION_SECONDS);
  });

  it('records nothing, and fails nothing, for an image or repository gone since the pull', () => {
    const { ctx, store } = repository();
    recordPulls(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'gone' }, { imageTag: 'v1' }] });
    expect(describeImages(ctx, { repositoryName: REPO }).imageDetails?.[0]?.lastRecordedPullTime).toEqual(
      expect.any(Number),
    );
    expect(() => recordPulls(ctx, { repositoryName: 'other', imageIds: [{ imageTag: 'v1' }] })).not.toThrow();
    expect(store.repository('other')).toBeNull();
  });

  it('refuses an unknown repository', () => {
    const { ctx } = repository();
    expect(() => batchGetImage(ctx, { repositoryName: 'other', imageIds: [{ imageTag: 'v1' }] })).toThrow(
      /The repository with name 'other' does not exist/,
    );
  });
});
