// sha512 blobs and manifests on the OCI side of the core: an upload opened by the OCI door hashes with SHA-256
// and SHA-512 in the same pass, so a client may name the blob by either digest when it closes the upload.
import { testLayerBytes } from '@edgecr/chunker/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { refusal, setUp, sha256, sha512, streamOf } from './_oci.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

type Registry = Awaited<ReturnType<typeof setUp>>['registry'];

/** Pushes `bytes` as one chunk and closes the upload with `digest`. */
async function push(registry: Registry, bytes: Uint8Array, digest: string, repositoryName = 'app') {
  const ref = { repositoryName, uploadId: await registry.startBlobUpload(repositoryName) };
  await registry.uploadLayerPart(ref, {}, streamOf(bytes));
  return { ref, digest: await registry.completeBlobUpload(ref, digest) };
}

describe('sha512 blobs', () => {
  it('a chunked upload across part boundaries, resumed from its saved record at every chunk, closes by sha512', async () => {
    const { host, registry } = await setUp();
    const bytes = testLayerBytes(11 * MiB + 7, 12);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    const cuts = [0, 333, 5 * MiB - 1, 5 * MiB + 5, 10 * MiB + 1, bytes.length];
    for (let i = 1; i < cuts.length; i++) {
      const [first, end] = [cuts[i - 1] as number, cuts[i] as number];
      await registry.uploadLayerPart(ref, { first, last: end - 1 }, streamOf(bytes.subarray(first, end)));
      // Each chunk starts from the record alone (as another isolate would): both midstates are in it.
      const record = await host.uploadStore(ref.uploadId)?.read();
      expect(record?.hash.length).toBe(end);
      expect(record?.hash512?.length).toBe(end);
      expect(record?.hash512?.h).toHaveLength(16);
    }
    expect((await host.upload(ref.uploadId).inspect())?.blobParts).toBe(2);
    const digest = await sha512(bytes);
    expect(await registry.completeBlobUpload(ref, digest)).toBe(digest);
    // Known by both names, one stored object.
    const [by512, by256] = [
      await registry.catalog.findLayer('app', digest),
      await registry.catalog.findLayer('app', await sha256(bytes)),
    ];
    expect(by512).toMatchObject({ digest, size: bytes.length });
    expect(by256).toMatchObject({ digest: await sha256(bytes), size: bytes.length });
    expect(by512?.objectKey).toBe(by256?.objectKey);
  });

  it('refuses a wrong sha512 digest and leaves the upload usable', async () => {
    const { registry } = await setUp();
    const bytes = testLayerBytes(3000, 13);
    const ref = { repositoryName: 'app', uploadId: await registry.startBlobUpload('app') };
    await registry.uploadLayerPart(ref, {}, streamOf(bytes.subarray(0, 1000)));
    const wrong = await refusal(registry.completeBlobUpload(ref, await sha512(bytes.subarray(0, 999))));
    expect(wrong.code).toBe('InvalidLayerException');
    expect(wrong.message).toContain(await sha512(bytes.subarray(0, 1000)));
    await registry.uploadLayerPart(ref, {}, streamOf(bytes.subarray(1000)));
    expect(await registry.completeBlobUpload(ref, await sha512(bytes))).toBe(await sha512(bytes));
    expect(await registry.catalog.findLayer('app', await sha512(bytes.subarray(0, 1000)))).toBeNull();
  });

  it('an empty blob by sha512', async () => {
    const { registry } = await setUp();
    const digest = await sha512(new Uint8Array(0));
    expect((await push(registry, new Uint8Array(0), digest)).digest).toBe(digest);
    expect((await registry.catalog.findLayer('app', digest))?.size).toBe(0);
  });

  it('a blob pushed by sha256 and again by sha512 is a success that keeps one copy and learns the name', async () => {
    const { host, registry } = await setUp();
    const bytes = testLayerBytes(500, 14);
    await push(registry, bytes, await sha256(bytes));
    expect(await registry.catalog.findLayer('app', await sha512(bytes))).toBeNull();
    const again = await push(registry, bytes, await sha512(bytes));
    expect(again.digest).toBe(await sha512(bytes));
    const [by256, by512] = [
      await registry.catalog.findLayer('app', await sha256(bytes)),
      await registry.catalog.findLayer('app', await sha512(bytes)),
    ];
    expect(by512?.objectKey).toBe(by256?.objectKey);
    expect(await host.blobs.head(`layers/${again.ref.uploadId}`)).toBeNull();
    expect(await host.blobs.head(by256?.objectKey ?? '')).toEqual({ size: 500 });
  });

  it('mounts a blob by its sha512 digest without copying, only from a repository that holds it', async () => {
    const { registry } = await setUp();
    await registry.catalog.createRepository({ repositoryName: 'other' });
    const bytes = testLayerBytes(700, 15);
    const digest = await sha512(bytes);
    await push(registry, bytes, digest);
    expect(await registry.mountBlob('other', await sha512(bytes.subarray(1)), 'app')).toBe(false);
    expect(await registry.mountBlob('other', digest, 'app')).toBe(true);
    const [mine, theirs] = [
      await registry.catalog.findLayer('app', digest),
      await registry.catalog.findLayer('other', digest),
    ];
    expect(theirs).toMatchObject({ digest, size: 700 });
    expect(theirs?.objectKey).toBe(mine?.objectKey);
  });

  it('an ECR upload computes sha256 only: a sha512 name for it is refused, sha512 entries of ECR are passed over', async () => {
    const { host, registry } = await setUp();
    const bytes = testLayerBytes(6 * MiB, 16);
    const { uploadId } = await registry.initiateLayerUpload('app');
    const ref = { repositoryName: 'app', uploadId };
    await registry.uploadLayerPart(ref, { first: 0, last: bytes.length - 1 }, streamOf(bytes));
    expect((await host.uploadStore(uploadId)?.read())?.hash512).toBeUndefined();
    const refused = await refusal(registry.completeBlobUpload(ref, await sha512(bytes)));
    expect(refused.message).toContain('this upload computes sha256 digests only');
    expect(await registry.completeLayerUpload(ref, [`sha512:${'0'.repeat(128)}`, await sha256(bytes)])).toBe(
      await sha256(bytes),
    );
  });
});

describe('sha512 manifests', () => {
  async function image(registry: Registry) {
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    const layer = testLayerBytes(900, 17);
    await push(registry, config, await sha512(config));
    await push(registry, layer, await sha512(layer));
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await sha512(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: await sha512(layer),
          size: layer.length,
        },
      ],
    });
    const bytes = new TextEncoder().encode(text);
    return { text, layer, sha256: await sha256(bytes), sha512: await sha512(bytes) };
  }

  it('stores a manifest of sha512 descriptors under its sha256 identity and finds it by its sha512 alias', async () => {
    const { registry } = await setUp();
    const manifest = await image(registry);
    const { image: put } = await registry.catalog.putImage(
      { repositoryName: 'app', imageManifest: manifest.text },
      manifest.sha512,
    );
    expect(put?.imageId?.imageDigest).toBe(manifest.sha256);
    for (const imageDigest of [manifest.sha512, manifest.sha256]) {
      const { images = [] } = await registry.catalog.batchGetImage({
        repositoryName: 'app',
        imageIds: [{ imageDigest }],
      });
      expect(images[0]?.imageManifest).toBe(manifest.text);
      expect(images[0]?.imageId?.imageDigest).toBe(manifest.sha256);
    }
    // Pushed again under its alias: a success that changes nothing, as the door wants of a retried PUT.
    const again = await registry.catalog.putImage(
      { repositoryName: 'app', imageManifest: manifest.text },
      manifest.sha512,
    );
    expect(again.state).toBe('unchanged');
    // The image references its layer by the layer's sha256 identity: the layer counts as referenced.
    expect((await registry.catalog.findLayer('app', await sha512(manifest.layer)))?.referenced).toBe(true);
    expect((await registry.catalog.findLayer('app', await sha256(manifest.layer)))?.referenced).toBe(true);
  });

  it('learns the alias of an image first pushed by sha256, lists children by sha512, and deletes by sha512', async () => {
    const { registry } = await setUp();
    const manifest = await image(registry);
    await registry.catalog.putImage({ repositoryName: 'app', imageManifest: manifest.text });
    await registry.catalog.putImage({ repositoryName: 'app', imageManifest: manifest.text }, manifest.sha512);
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: OCI_MANIFEST, digest: manifest.sha512, size: manifest.text.length }],
    });
    await registry.catalog.putImage({ repositoryName: 'app', imageManifest: index, imageTag: 'multi' });
    // The index holds its child whichever name it is deleted by.
    const held = await registry.catalog.batchDeleteImage({
      repositoryName: 'app',
      imageIds: [{ imageDigest: manifest.sha512 }],
    });
    expect(held.failures?.[0]?.failureCode).toBe('ImageReferencedByManifestList');
    await registry.catalog.batchDeleteImage({ repositoryName: 'app', imageIds: [{ imageTag: 'multi' }] });
    const deleted = await registry.catalog.batchDeleteImage({
      repositoryName: 'app',
      imageIds: [{ imageDigest: manifest.sha512 }],
    });
    expect(deleted.imageIds).toEqual([{ imageDigest: manifest.sha256 }]);
  });

  it('refuses a manifest naming a sha512 blob the repository lacks', async () => {
    const { registry } = await setUp();
    const missing = await sha512(testLayerBytes(10, 18));
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: missing, size: 10 },
      layers: [],
    });
    expect(
      (await refusal(registry.catalog.putImage({ repositoryName: 'app', imageManifest: text }))).code,
    ).toBe('LayersNotFoundException');
  });
});
