import { testLayerBytes } from '@edgecr/chunker/testing';
// Whole images pushed from archives into the in-process ECR endpoint (the registry's real rules): every blob
// stored byte for byte, every manifest by PutImage, blobs already there skipped, an interrupted push continued.
import { type ArchiveImage, readImageArchive } from '@edgecr/image-archive';
import {
  dockerSaveClassic,
  notATar,
  ociLayoutOneLayer,
  ociLayoutTwoPlatforms,
} from '@edgecr/image-archive/testing';
import { EcrError } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import {
  describeFailure,
  type ImagePushProgress,
  MemoryStateStore,
  openBlob,
  pullImage,
  pushImage,
} from '../src/index.ts';
import { InProcessEcr, sha256 } from './_inProcessEcr.ts';

const scope = { endpoint: 'https://ecr.test/', registryId: '' };
const MiB = 1024 * 1024;

/** Serves the in-process endpoint's download URLs (`…/layers/<repository>/<digest>`) from its blob store. */
function downloads(ecr: InProcessEcr): typeof fetch {
  return ecr.fetch;
}

/** The archive's only image. */
async function onlyImage(archive: Blob): Promise<ArchiveImage> {
  const { images } = await readImageArchive(archive);
  if (images.length !== 1 || !images[0]) throw new Error(`expected one image, got ${images.length}`);
  return images[0];
}

/** `list[index]`, which the test knows is there. */
function at<T>(list: readonly T[], index: number): T {
  const value = list.at(index);
  if (value === undefined) throw new Error(`nothing at ${index}`);
  return value;
}

async function manifestText(ecr: InProcessEcr, imageId: { imageTag?: string; imageDigest?: string }) {
  const answer = await ecr.batchGetImage({ repositoryName: 'app', imageIds: [imageId] });
  return answer.images?.[0]?.imageManifest;
}

describe('pushImage', () => {
  it('pushes a classic docker save: layers and config byte for byte, the built manifest under its tag', async () => {
    const { archive, facts } = await dockerSaveClassic();
    const image = await onlyImage(archive);
    const ecr = new InProcessEcr();
    const result = await pushImage(image, { api: ecr, repositoryName: 'app', scope });

    const tag = at(facts.repoTags, 0).split(':')[1];
    expect(result.tag).toBe(tag);
    for (const blob of [...facts.layers, facts.config]) {
      expect(await ecr.layer('app', blob.digest)).toEqual(blob.bytes);
    }
    expect(await manifestText(ecr, { imageTag: tag })).toBe(new TextDecoder().decode(image.manifest.bytes));
    expect(result.imageDigest).toBe(image.manifest.digest);
    expect(result.bytesSent).toBe([...facts.layers, facts.config].reduce((s, b) => s + b.size, 0));
    // One upload per blob and no download URL asked for: nothing in the push's answer shows one.
    expect(ecr.count('CompleteLayerUpload')).toBe(facts.layers.length + 1);
    expect(ecr.count('GetDownloadUrlForLayer')).toBe(0);
  });

  it('pushes an OCI index of two platforms, keeping every platform, and pulls it back identical', async () => {
    const { archive, facts } = await ociLayoutTwoPlatforms();
    const image = await onlyImage(archive);
    const ecr = new InProcessEcr();
    const progress: ImagePushProgress[] = [];
    const result = await pushImage(image, {
      api: ecr,
      repositoryName: 'app',
      scope,
      onProgress: (p) => progress.push(p),
    });

    expect(result.manifests.map((m) => m.digest)).toEqual([
      ...facts.platforms.map((p) => p.manifest.digest),
      facts.index.digest,
    ]);
    for (const p of facts.platforms) {
      expect(await manifestText(ecr, { imageDigest: p.manifest.digest })).toBe(
        new TextDecoder().decode(p.manifest.bytes),
      );
    }
    const pulled = await pullImage({ api: ecr, repositoryName: 'app', fetch: downloads(ecr) }, facts.tag);
    expect(pulled.manifest.digest).toBe(facts.index.digest);
    expect(pulled.children.map((c) => c.digest).sort()).toEqual(
      facts.platforms.map((p) => p.manifest.digest).sort(),
    );
    const expected = new Map(
      facts.platforms.flatMap((p) => [p.config, ...p.layers].map((b) => [b.digest, b])),
    );
    expect(pulled.blobs.map((b) => b.digest).sort()).toEqual([...expected.keys()].sort());
    for (const blob of pulled.blobs) {
      const stream = await openBlob({ api: ecr, repositoryName: 'app', fetch: downloads(ecr) }, blob);
      expect(new Uint8Array(await new Response(stream).arrayBuffer())).toEqual(
        expected.get(blob.digest)?.bytes,
      );
    }
    // Progress covers the whole image and ends with every byte accounted for.
    const last = at(progress, -1);
    expect(last.phase).toBe('done');
    expect(last.bytesDone).toBe(last.totalBytes);
    expect(last.totalBytes).toBe([...expected.values()].reduce((s, b) => s + b.size, 0));
  });

  it('skips the blobs the repository already holds, and an image already there is a success', async () => {
    const { archive } = await ociLayoutTwoPlatforms();
    const image = await onlyImage(archive);
    const ecr = new InProcessEcr();
    await pushImage(image, { api: ecr, repositoryName: 'app', scope });
    const uploadsBefore = ecr.count('InitiateLayerUpload');

    const again = await pushImage(image, { api: ecr, repositoryName: 'app', scope, tag: 'second' });
    expect(ecr.count('InitiateLayerUpload')).toBe(uploadsBefore);
    expect(again.bytesSent).toBe(0);
    expect(again.blobs.every((b) => b.status === 'present')).toBe(true);
    expect(await manifestText(ecr, { imageTag: 'second' })).toBe(
      new TextDecoder().decode(image.manifest.bytes),
    );

    const same = await pushImage(image, { api: ecr, repositoryName: 'app', scope, tag: 'second' });
    expect(same.manifests.at(-1)).toEqual({ digest: image.manifest.digest, outcome: 'existed' });
  });

  it('refuses an archive with a missing blob before any request, in plain words', async () => {
    const { archive, facts } = await ociLayoutTwoPlatforms({
      omit: (f) => at(at(f.platforms, 1).layers, 1).digest,
    });
    const ecr = new InProcessEcr();
    const error = await readImageArchive(archive).then(
      (read) => pushImage(at(read.images, 0), { api: ecr, repositoryName: 'app', scope }),
      (e: unknown) => e,
    );
    expect(ecr.calls).toEqual([]);
    const failure = describeFailure(error);
    expect(failure).toMatchObject({ kind: 'archive', code: 'MissingBlob' });
    expect(failure.message).toMatch(/incomplete.*Nothing was sent/);
    expect(failure.detail).toContain(at(at(facts.platforms, 1).layers, 1).digest);
  });

  it('says a file that is not a tar is not an image archive', async () => {
    const failure = describeFailure(await readImageArchive(notATar()).catch((e: unknown) => e));
    expect(failure).toMatchObject({ kind: 'archive', code: 'NotATar' });
    expect(failure.message).toMatch(/not an image archive/);
  });

  it('refuses to move an immutable tag to another image, in plain words with the ECR code', async () => {
    const ecr = new InProcessEcr();
    await ecr.registry.catalog.createRepository({
      repositoryName: 'locked',
      imageTagMutability: 'IMMUTABLE',
    });
    const options = { api: ecr, repositoryName: 'locked', scope, tag: 'v1' };
    await pushImage(await onlyImage((await dockerSaveClassic()).archive), options);
    const other = await onlyImage((await ociLayoutTwoPlatforms()).archive);
    const error = await pushImage(other, options).catch((e: unknown) => e);
    expect(describeFailure(error)).toMatchObject({
      kind: 'image-rejected',
      code: 'ImageTagAlreadyExistsException',
      message: expect.stringMatching(/immutable/),
    });
    // The same image again under the same tag changes nothing: a success, as ECR answers it.
    const same = await pushImage(await onlyImage((await dockerSaveClassic()).archive), options);
    expect(same.manifests.at(-1)?.outcome).toBe('existed');
  });

  it('words an immutable tag that names another image, and a key without push permission', () => {
    expect(
      describeFailure(new EcrError('ImageTagAlreadyExistsException', "The image tag '1.0' already exists")),
    ).toMatchObject({ kind: 'image-rejected', message: expect.stringMatching(/immutable/) });
    expect(describeFailure(new EcrError('AccessDeniedException', 'not authorized'))).toMatchObject({
      kind: 'permission',
      message: expect.stringMatching(/push/),
    });
  });

  it('continues an interrupted push from the acknowledged parts, sending none of them again', async () => {
    const { archive, facts } = await ociLayoutOneLayer(testLayerBytes(12 * MiB, 5));
    const image = await onlyImage(archive);
    const ecr = new InProcessEcr();
    const store = new MemoryStateStore();
    const stop = new AbortController();
    ecr.onPart = (part) => {
      if (part.partFirstByte > 0) stop.abort(new Error('interrupted'));
    };
    await expect(
      pushImage(image, { api: ecr, repositoryName: 'app', scope, store, signal: stop.signal }),
    ).rejects.toThrow('interrupted');
    const [saved] = await store.list();
    const acknowledged = saved?.offset ?? 0;
    expect(acknowledged).toBe(5 * MiB);

    ecr.onPart = undefined;
    const firstRunCalls = ecr.calls.length;
    const result = await pushImage(image, { api: ecr, repositoryName: 'app', scope, store });
    // The layer's upload went on at the saved offset: its parts before it were not sent again.
    const layerParts = ecr.calls
      .slice(firstRunCalls)
      .filter((c) => c.op === 'UploadLayerPart' && c.input.uploadId === saved?.uploadId)
      .map((c) => c.input.partFirstByte);
    expect(layerParts).toEqual([acknowledged, 2 * acknowledged]);
    expect(result.bytesResumed).toBe(acknowledged);
    // The config went first or after the layer: sent in this run only if the first did not get to it.
    const config = result.blobs.find((b) => b.kind === 'config');
    const configSent = config?.status === 'present' ? 0 : facts.config.size;
    expect(result.bytesSent).toBe(facts.layer.size - acknowledged + configSent);
    const stored = await ecr.layer('app', facts.layer.digest);
    // Compared by hash: a failing toEqual on 12 MiB arrays would spend minutes printing the diff.
    expect(stored && `sha256:${sha256(stored)}`).toBe(facts.layer.digest);
    expect(stored?.length).toBe(facts.layer.size);
    expect(await store.list()).toEqual([]);
  });
});
