import { DOCKER_MANIFEST, EcrError, OCI_MANIFEST } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { describeImages, putImage } from '../../src/index.ts';
import {
  blobs,
  digestOf,
  dockerList,
  dockerManifest,
  EMPTY_CONFIG,
  helmChart,
  ociIndex,
  ociManifest,
  REGISTRY,
  REPO,
  referrer,
  setup,
  upload,
} from './_fixtures.ts';

type Blob = ReturnType<typeof blobs>[number];

function errorOf(run: () => unknown): EcrError {
  try {
    run();
  } catch (err) {
    if (err instanceof EcrError) return err;
    throw err;
  }
  throw new Error('no error');
}

function pushed(seed = 'img') {
  const { ctx, store } = setup();
  const [config, ...layers] = blobs(seed, 3) as [Blob, ...Blob[]];
  upload(store, config, ...layers);
  return { ctx, store, config, layers, text: dockerManifest(config, layers) };
}

describe('putImage', () => {
  it('stores a Docker image by tag and answers with the manifest as sent', () => {
    const { ctx, store, text } = pushed();
    const digest = digestOf(text);
    const { image } = putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v1' });
    expect(image).toEqual({
      registryId: REGISTRY,
      repositoryName: REPO,
      imageId: { imageDigest: digest, imageTag: 'v1' },
      imageManifest: text,
      imageManifestMediaType: DOCKER_MANIFEST,
    });
    expect(store.manifest(REPO, digest)).toBe(text);
    expect(store.taggedDigest(REPO, 'v1')).toBe(digest);
  });

  it('records size (layers, not config), push time, media types', () => {
    const { ctx, layers, text } = pushed();
    putImage(ctx, { repositoryName: REPO, imageManifest: text });
    const [detail] = describeImages(ctx, { repositoryName: REPO }).imageDetails ?? [];
    expect(detail).toEqual({
      registryId: REGISTRY,
      repositoryName: REPO,
      imageDigest: digestOf(text),
      imageSizeInBytes: layers.reduce((sum, layer) => sum + layer.size, 0),
      imagePushedAt: 1_764_496_800,
      imageManifestMediaType: DOCKER_MANIFEST,
      artifactMediaType: 'application/vnd.docker.container.image.v1+json',
    });
  });

  it('checks a given imageDigest against the computed one', () => {
    const { ctx, text } = pushed();
    const wrong = digestOf('other');
    const err = errorOf(() =>
      putImage(ctx, { repositoryName: REPO, imageManifest: text, imageDigest: wrong }),
    );
    expect(err.code).toBe('ImageDigestDoesNotMatchException');
    expect(err.message).toContain(wrong);
    const ok = putImage(ctx, { repositoryName: REPO, imageManifest: text, imageDigest: digestOf(text) });
    expect(ok.image?.imageId?.imageDigest).toBe(digestOf(text));
  });

  it('refuses blobs that are not layers of the repository, naming them', () => {
    const { ctx, store } = setup();
    const [config, present, missing] = blobs('img', 3) as [Blob, Blob, Blob];
    upload(store, present);
    const text = ociManifest(config, [present, missing]);
    const err = errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: text }));
    expect(err.code).toBe('LayersNotFoundException');
    expect(err.message).toContain(config.digest);
    expect(err.message).toContain(missing.digest);
    expect(err.message).not.toContain(present.digest);
    expect(store.hasImages(REPO)).toBe(false);
  });

  it('does not require foreign layers that name their urls', () => {
    const { ctx, store } = setup();
    const [config, layer, foreign] = blobs('win', 3) as [Blob, Blob, Blob];
    upload(store, config, layer);
    const json = JSON.parse(dockerManifest(config, [foreign, layer]));
    json.layers[0].mediaType = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
    json.layers[0].urls = ['https://mcr.example/blob'];
    const text = JSON.stringify(json, null, 3);
    expect(putImage(ctx, { repositoryName: REPO, imageManifest: text }).image?.imageId?.imageDigest).toBe(
      digestOf(text),
    );
  });

  it('stores an index whose manifests are images; its size is the largest of theirs', () => {
    const { ctx, store } = setup();
    const small = blobs('small', 2) as [Blob, Blob];
    const big = blobs('big', 3) as [Blob, Blob, Blob];
    upload(store, ...small, ...big);
    const amd = dockerManifest(small[0], [small[1]]);
    const arm = dockerManifest(big[0], [big[1], big[2]]);
    putImage(ctx, { repositoryName: REPO, imageManifest: amd });
    putImage(ctx, { repositoryName: REPO, imageManifest: arm });
    const list = dockerList([
      { digest: digestOf(amd), size: amd.length, mediaType: DOCKER_MANIFEST, architecture: 'amd64' },
      { digest: digestOf(arm), size: arm.length, mediaType: DOCKER_MANIFEST, architecture: 'arm' },
    ]);
    putImage(ctx, { repositoryName: REPO, imageManifest: list, imageTag: 'latest' });
    const [detail] =
      describeImages(ctx, { repositoryName: REPO, imageIds: [{ imageTag: 'latest' }] }).imageDetails ?? [];
    expect(detail?.imageSizeInBytes).toBe(big[1].size + big[2].size);
    expect(detail?.artifactMediaType).toBeUndefined();
    expect(store.parentsOf(REPO, digestOf(amd))).toEqual([digestOf(list)]);
  });

  it('refuses an index naming manifests the repository does not hold', () => {
    const { ctx, store } = setup();
    const [config, layer] = blobs('img', 2) as [Blob, Blob];
    upload(store, config, layer);
    const present = ociManifest(config, [layer]);
    putImage(ctx, { repositoryName: REPO, imageManifest: present });
    const absent = digestOf('absent');
    const index = ociIndex([
      { digest: digestOf(present), size: present.length, mediaType: OCI_MANIFEST, architecture: 'amd64' },
      { digest: absent, size: 10, mediaType: OCI_MANIFEST, architecture: 'arm64' },
    ]);
    const err = errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: index }));
    expect(err.code).toBe('ReferencedImagesNotFoundException');
    expect(err.message).toContain(absent);
    expect(err.message).not.toContain(digestOf(present));
  });

  it('accepts a referrer whose subject does not exist, and records the subject', () => {
    const { ctx, store } = setup();
    const [payload] = blobs('sig', 1) as [Blob];
    upload(store, EMPTY_CONFIG, payload);
    const subject = {
      digest: digestOf('not pushed yet'),
      size: 900,
      mediaType: OCI_MANIFEST,
      architecture: 'amd64',
    };
    const text = referrer(subject, payload);
    putImage(ctx, { repositoryName: REPO, imageManifest: text });
    const [detail] = describeImages(ctx, { repositoryName: REPO }).imageDetails ?? [];
    expect(detail?.subjectManifestDigest).toBe(subject.digest);
    expect(detail?.artifactMediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
  });

  it('stores a Helm chart given its media type, with the config type as artifact type', () => {
    const { ctx, store } = setup();
    const [config, chart] = blobs('helm', 2) as [Blob, Blob];
    upload(store, config, chart);
    const text = helmChart(config, chart);
    const { image } = putImage(ctx, {
      repositoryName: REPO,
      imageManifest: text,
      imageManifestMediaType: OCI_MANIFEST,
      imageTag: '1.6.0',
    });
    expect(image?.imageManifestMediaType).toBe(OCI_MANIFEST);
    expect(describeImages(ctx, { repositoryName: REPO }).imageDetails?.[0]?.artifactMediaType).toBe(
      'application/vnd.cncf.helm.config.v1+json',
    );
  });

  it('answers unchanged for the same tag and digest, and for an untagged re-push', () => {
    const { ctx, text } = pushed();
    expect(putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v1' }).state).toBe('stored');
    const again = putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v1' });
    expect(again.state).toBe('unchanged');
    expect(again.image.imageId).toEqual({ imageDigest: digestOf(text), imageTag: 'v1' });
    expect(putImage(ctx, { repositoryName: REPO, imageManifest: text }).state).toBe('unchanged');
    expect(putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v2' }).state).toBe('stored');
  });

  it('adds a second tag to an existing image without touching its push time', () => {
    const { ctx, store, text } = pushed();
    putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'v1' });
    putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'stable' });
    const image = store.image(REPO, digestOf(text));
    expect(image?.tags).toEqual(['stable', 'v1']);
    expect(image?.pushedAt).toBe(1_764_496_800);
  });

  it('moves a tag in a MUTABLE repository; the old image stays, untagged', () => {
    const { ctx, store, config, layers, text } = pushed();
    putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'latest' });
    const next = ociManifest(config, layers);
    putImage(ctx, { repositoryName: REPO, imageManifest: next, imageTag: 'latest' });
    expect(store.taggedDigest(REPO, 'latest')).toBe(digestOf(next));
    expect(store.image(REPO, digestOf(text))?.tags).toEqual([]);
  });

  it('refuses to move a tag in an IMMUTABLE repository, but adds new tags', () => {
    const { ctx, store } = setup('IMMUTABLE');
    const [config, layer] = blobs('img', 2) as [Blob, Blob];
    upload(store, config, layer);
    const first = dockerManifest(config, [layer]);
    const second = ociManifest(config, [layer]);
    putImage(ctx, { repositoryName: REPO, imageManifest: first, imageTag: 'v1' });
    const err = errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: second, imageTag: 'v1' }));
    expect(err.code).toBe('ImageTagAlreadyExistsException');
    expect(err.message).toBe(
      `The image tag 'v1' already exists in the '${REPO}' repository and cannot be overwritten because the repository is immutable.`,
    );
    expect(store.image(REPO, digestOf(second))).toBeNull();
    putImage(ctx, { repositoryName: REPO, imageManifest: second, imageTag: 'v2' });
    expect(store.taggedDigest(REPO, 'v2')).toBe(digestOf(second));
  });

  it('lets tags matching an exclusion filter move in IMMUTABLE_WITH_EXCLUSION', () => {
    const { ctx, store } = setup('IMMUTABLE_WITH_EXCLUSION', [{ filterType: 'WILDCARD', filter: 'dev-*' }]);
    const [config, layer] = blobs('img', 2) as [Blob, Blob];
    upload(store, config, layer);
    const [a, b] = [dockerManifest(config, [layer]), ociManifest(config, [layer])];
    putImage(ctx, { repositoryName: REPO, imageManifest: a, imageTag: 'dev-42' });
    putImage(ctx, { repositoryName: REPO, imageManifest: a, imageTag: 'release' });
    putImage(ctx, { repositoryName: REPO, imageManifest: b, imageTag: 'dev-42' });
    expect(store.taggedDigest(REPO, 'dev-42')).toBe(digestOf(b));
    expect(
      errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: b, imageTag: 'release' })).code,
    ).toBe('ImageTagAlreadyExistsException');
  });

  it('refuses an unknown repository, a bad tag and a bad manifest', () => {
    const { ctx, text } = pushed();
    const missing = errorOf(() => putImage(ctx, { repositoryName: 'nope', imageManifest: text }));
    expect(missing.code).toBe('RepositoryNotFoundException');
    expect(missing.message).toBe(
      `The repository with name 'nope' does not exist in the registry with id '${REGISTRY}'`,
    );
    expect(
      errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: text, imageTag: 'a:b' })).code,
    ).toBe('InvalidParameterException');
    expect(errorOf(() => putImage(ctx, { repositoryName: REPO, imageManifest: '{' })).code).toBe(
      'InvalidParameterException',
    );
  });
});
