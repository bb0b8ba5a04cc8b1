import { testLayerBytes } from '@edgecr/chunker/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { refusal, setUp, sha256, streamOf } from './_oci.ts';

describe('OCI blob uploads on the layer upload rules', () => {
  it('takes chunks of any size, appended or placed, and lays them into equal parts', async () => {
    const { host, registry } = await setUp();
    const bytes = testLayerBytes(11 * MiB + 7, 5);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    // Tiny, unplaced, placed and odd-sized chunks: none of ECR's 5 MiB rule applies.
    expect(await registry.uploadLayerPart(ref, {}, streamOf(bytes.subarray(0, 10)))).toBe(9);
    expect(
      await registry.uploadLayerPart(ref, { first: 10, last: 99 }, streamOf(bytes.subarray(10, 100))),
    ).toBe(99);
    expect(
      await registry.uploadLayerPart(
        ref,
        {},
        streamOf([bytes.subarray(100, 6 * MiB), bytes.subarray(6 * MiB)]),
      ),
    ).toBe(bytes.length - 1);
    expect(await registry.uploadedBytes(ref)).toBe(bytes.length);
    const progress = await host.upload(ref.uploadId).inspect();
    expect(progress).toMatchObject({ blobParts: 2, staged: bytes.length - 10 * MiB });
    expect(await registry.completeBlobUpload(ref, await sha256(bytes))).toBe(await sha256(bytes));
    const layer = await registry.catalog.findLayer('app', await sha256(bytes));
    expect(layer?.size).toBe(bytes.length);
  });

  it('refuses a chunk that overlaps or leaves a gap, even the last one sent again', async () => {
    const { registry } = await setUp();
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, { first: 0, last: 9 }, streamOf(new Uint8Array(10)));
    for (const range of [
      { first: 0, last: 9 },
      { first: 5, last: 14 },
      { first: 11, last: 20 },
    ]) {
      const error = await refusal(registry.uploadLayerPart(ref, range, streamOf(new Uint8Array(10))));
      expect(error.code).toBe('InvalidLayerPartException');
      expect(error.fields).toMatchObject({ lastValidByteReceived: 9 });
    }
  });

  it('refuses a wrong digest and keeps the upload usable; an algorithm it does not compute is refused clearly', async () => {
    const { registry } = await setUp();
    const bytes = testLayerBytes(1000, 6);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, {}, streamOf(bytes));
    const wrong = await refusal(registry.completeBlobUpload(ref, `sha256:${'0'.repeat(64)}`));
    expect(wrong.code).toBe('InvalidLayerException');
    const other = await refusal(registry.completeBlobUpload(ref, `sha384:${'0'.repeat(96)}`));
    expect(other.message).toContain('computes sha256 and sha512 digests only');
    expect(await registry.uploadedBytes(ref)).toBe(1000);
    expect(await registry.completeBlobUpload(ref, await sha256(bytes))).toBe(await sha256(bytes));
  });

  it('completes a blob the repository already holds as a success, and an empty blob', async () => {
    const { registry } = await setUp();
    const bytes = testLayerBytes(100, 7);
    for (let i = 0; i < 2; i++) {
      const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
      await registry.uploadLayerPart(ref, {}, streamOf(bytes));
      expect(await registry.completeBlobUpload(ref, await sha256(bytes))).toBe(await sha256(bytes));
    }
    const empty = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    const emptyDigest = await sha256(new Uint8Array(0));
    expect(await registry.completeBlobUpload(empty, emptyDigest)).toBe(emptyDigest);
    expect((await registry.catalog.findLayer('app', emptyDigest))?.size).toBe(0);
  });

  it('cancels an upload, after which it is unknown', async () => {
    const { registry } = await setUp();
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, {}, streamOf(new Uint8Array(10)));
    await registry.cancelUpload(ref);
    expect((await refusal(registry.uploadedBytes(ref))).code).toBe('UploadNotFoundException');
  });

  it('mounts a blob another repository holds without copying, and only from one that holds it', async () => {
    const { host, registry } = await setUp();
    await registry.catalog.createRepository({ repositoryName: 'other' });
    const bytes = testLayerBytes(100, 8);
    const digest = await sha256(bytes);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, {}, streamOf(bytes));
    await registry.completeBlobUpload(ref, digest);
    expect(await registry.mountBlob('other', `sha256:${'1'.repeat(64)}`, 'app')).toBe(false);
    expect(await registry.mountBlob('other', digest, 'nowhere')).toBe(false);
    expect(await registry.mountBlob('other', digest, 'app')).toBe(true);
    const [mine, theirs] = [
      await registry.catalog.findLayer('app', digest),
      await registry.catalog.findLayer('other', digest),
    ];
    // One stored object for both repositories: the mount linked it, it wrote no copy.
    expect(mine?.objectKey).toEqual(expect.any(String));
    expect(theirs?.objectKey).toBe(mine?.objectKey);
    expect(await host.blobs.head(mine?.objectKey as string)).toEqual({ size: bytes.length });
  });

  it('creates the repository of a push only under a CREATE_ON_PUSH creation template', async () => {
    const { registry } = await setUp();
    expect((await refusal(registry.startBlobUpload('new'))).code).toBe('RepositoryNotFoundException');
    expect((await refusal(registry.initiateLayerUpload('new'))).code).toBe('RepositoryNotFoundException');
    expect((await refusal(registry.mountBlob('new', `sha256:${'0'.repeat(64)}`, 'app'))).code).toBe(
      'RepositoryNotFoundException',
    );
    await registry.catalog.createRepositoryCreationTemplate({
      prefix: 'ROOT',
      appliedFor: ['CREATE_ON_PUSH'],
    });
    await registry.startBlobUpload('new');
    // The ECR door's push (InitiateLayerUpload) creates under the same template.
    await registry.initiateLayerUpload('ecr/new');
    const names = ['new', 'ecr/new'];
    expect(
      (await registry.catalog.describeRepositories({ repositoryNames: names })).repositories,
    ).toHaveLength(2);
  });
});

describe('referrers', () => {
  it('lists the images whose subject is a digest, filtered by artifact type, with size and annotations', async () => {
    const { registry } = await setUp();
    const config = testLayerBytes(10, 9);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, {}, streamOf(config));
    const configDigest = await registry.completeBlobUpload(ref, await sha256(config));
    const subject = `sha256:${'5'.repeat(64)}`;
    const manifest = (artifactType: string) =>
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: 10 },
        layers: [],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 100 },
        annotations: { kind: artifactType },
      });
    for (const type of ['a/sig', 'a/sbom'])
      await registry.catalog.putImage({ repositoryName: 'app', imageManifest: manifest(type) });
    const all = await registry.catalog.referrers({ repositoryName: 'app', digest: subject });
    expect(all.map((r) => r.artifactType).sort()).toEqual(['a/sbom', 'a/sig']);
    const sig = await registry.catalog.referrers({
      repositoryName: 'app',
      digest: subject,
      artifactType: 'a/sig',
    });
    expect(sig).toEqual([
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: await sha256(new TextEncoder().encode(manifest('a/sig'))),
        size: new TextEncoder().encode(manifest('a/sig')).length,
        artifactType: 'a/sig',
        annotations: { kind: 'a/sig' },
      },
    ]);
    expect(await registry.catalog.referrers({ repositoryName: 'app', digest: configDigest })).toEqual([]);
  });
});
