import { describe, expect, it } from 'vitest';
import {
  assertBlobDigest,
  DOCKER_CONFIG,
  DOCKER_LAYER_TAR,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST,
  OCI_INDEX,
  OCI_MANIFEST,
  readImageArchive,
} from '../src/index.ts';
import {
  asFolder,
  buildTar,
  dockerSaveClassic,
  dockerSaveOci,
  ociLayoutTwoPlatforms,
  streamOciLayout,
} from '../src/testing/index.ts';

const text = (stream: ReadableStream<Uint8Array>) =>
  new Response(stream).arrayBuffer().then((b) => new Uint8Array(b));
const sha256 = async (bytes: Uint8Array<ArrayBuffer>) =>
  `sha256:${Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

describe('classic docker save', () => {
  it('builds a Docker schema 2 manifest over the uncompressed layers, digests from diff_ids', async () => {
    const { archive, facts } = await dockerSaveClassic();
    const result = await readImageArchive(archive);
    expect(result.format).toBe('docker-save-classic');
    expect(result.images).toHaveLength(1);
    const [image] = result.images;
    if (!image) throw new Error('no image');
    expect(image.references).toEqual(facts.repoTags);
    expect(image.tags).toEqual(['1.0', 'latest']);

    const manifest = JSON.parse(new TextDecoder().decode(image.manifest.bytes));
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: facts.config.size, digest: facts.config.digest },
      layers: facts.layers.map((l) => ({ mediaType: DOCKER_LAYER_TAR, size: l.size, digest: l.digest })),
    });
    expect(image.manifest.digest).toBe(await sha256(image.manifest.bytes as Uint8Array<ArrayBuffer>));
    expect(image.manifest.mediaType).toBe(DOCKER_MANIFEST);

    expect(image.blobs.map((b) => [b.kind, b.digest])).toEqual([
      ['layer', facts.layers[0]?.digest],
      ['layer', facts.layers[1]?.digest],
      ['config', facts.config.digest],
      ['manifest', image.manifest.digest],
    ]);
    // Each blob streams exactly its bytes out of the archive, and hashes to its stated digest.
    for (const blob of image.blobs) {
      const bytes = await text(blob.open());
      expect(bytes.length).toBe(blob.size);
      expect(await sha256(bytes)).toBe(blob.digest);
    }
  });

  it('pushes a layer stored gzip-compressed in this form as tar.gzip, with the digest of its bytes', async () => {
    const layer = new TextEncoder().encode('pretend this is a layer tar'.repeat(100));
    const gz = new Uint8Array(
      await new Response(new Blob([layer]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
    );
    const config = JSON.stringify({ rootfs: { type: 'layers', diff_ids: [await sha256(layer)] } });
    const tar = await buildTar([
      { name: 'c.json', body: config },
      { name: 'l.tar.gz', body: gz },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: 'c.json', RepoTags: ['x:1'], Layers: ['l.tar.gz'] }]),
      },
    ]);
    const [image] = (await readImageArchive(tar)).images;
    expect(image?.blobs[0]).toMatchObject({
      kind: 'layer',
      mediaType: DOCKER_LAYER_TAR_GZIP,
      digest: await sha256(gz),
      size: gz.length,
    });
  });

  it('follows a symbolic link to a layer shared by two images', async () => {
    const { archive, facts } = await dockerSaveClassic({ sharedLayerImage: true });
    const { images } = await readImageArchive(archive);
    expect(images.map((i) => i.tags)).toEqual([['1.0', 'latest'], ['1']]);
    const baseLayer = images[1]?.blobs[0];
    expect(baseLayer?.digest).toBe(facts.layers[0]?.digest);
    expect(await text(baseLayer?.open() ?? new ReadableStream())).toEqual(facts.layers[0]?.bytes);
  });
});

describe('assertBlobDigest', () => {
  it('passes the digest the archive states and refuses another, naming both', async () => {
    const { archive, facts } = await dockerSaveClassic();
    const layer = (await readImageArchive(archive)).images[0]?.blobs[0];
    if (!layer) throw new Error('no layer');
    expect(() => assertBlobDigest(layer, facts.layers[0]?.digest ?? '')).not.toThrow();
    const wrong = `sha256:${'b'.repeat(64)}`;
    expect(() => assertBlobDigest(layer, wrong)).toThrow(
      expect.objectContaining({
        code: 'DigestMismatch',
        digest: layer.digest,
        message: expect.stringContaining(wrong),
      }),
    );
  });
});

describe('OCI image layout', () => {
  it('keeps both platforms of an index, in push order, each blob once', async () => {
    const { archive, facts } = await ociLayoutTwoPlatforms();
    const result = await readImageArchive(archive);
    expect(result.format).toBe('oci-layout');
    const [image] = result.images;
    if (!image) throw new Error('no image');
    expect(image.tags).toEqual([facts.tag]);
    expect(image.manifest).toMatchObject({
      mediaType: OCI_INDEX,
      digest: facts.index.digest,
      size: facts.index.size,
    });
    expect(image.manifest.bytes).toEqual(facts.index.bytes);

    const [amd64, arm64] = facts.platforms;
    if (!amd64 || !arm64) throw new Error('fixture has two platforms');
    const base = amd64.layers[0];
    expect(image.blobs.map((b) => [b.kind, b.digest])).toEqual([
      ['layer', base?.digest],
      ['layer', amd64.layers[1]?.digest],
      ['config', amd64.config.digest],
      ['layer', arm64.layers[1]?.digest],
      ['config', arm64.config.digest],
      ['manifest', amd64.manifest.digest],
      ['manifest', arm64.manifest.digest],
      ['index', facts.index.digest],
    ]);
    const manifests = image.blobs.filter((b) => b.kind === 'manifest');
    expect(manifests.map((m) => m.platform)).toEqual([amd64.platform, arm64.platform]);
    expect(manifests.map((m) => m.mediaType)).toEqual([OCI_MANIFEST, OCI_MANIFEST]);
    for (const blob of image.blobs) {
      const bytes = await text(blob.open());
      expect(await sha256(bytes)).toBe(blob.digest);
      expect(bytes.length).toBe(blob.size);
    }
  });

  it('reads the same layout from a folder drop', async () => {
    const { entries, facts } = await ociLayoutTwoPlatforms();
    const fromTar = await readImageArchive((await ociLayoutTwoPlatforms()).archive);
    const fromFolder = await readImageArchive({ files: asFolder(entries, 'my-image') });
    expect(fromFolder.format).toBe('oci-layout');
    expect(fromFolder.images[0]?.manifest.digest).toBe(facts.index.digest);
    expect(fromFolder.images[0]?.blobs.map((b) => b.digest)).toEqual(
      fromTar.images[0]?.blobs.map((b) => b.digest),
    );
  });

  it('reads docker save of Docker 25+ (OCI layout + manifest.json), naming the image by its RepoTags', async () => {
    const { archive, facts } = await dockerSaveOci();
    const result = await readImageArchive(archive);
    expect(result.format).toBe('oci-layout');
    const [image] = result.images;
    expect(image?.references).toEqual(['example/web:2.1', 'docker.io/example/web:2.1', '2.1']);
    expect(image?.tags).toEqual(['2.1']);
    expect(image?.manifest.digest).toBe(facts.manifest.digest);
    expect(image?.blobs.map((b) => [b.kind, b.digest, b.mediaType])).toEqual([
      ...facts.layers.map((l) => ['layer', l.digest, l.mediaType]),
      ['config', facts.config.digest, facts.config.mediaType],
      ['manifest', facts.manifest.digest, OCI_MANIFEST],
    ]);
  });
});

describe('an OCI layout written as a stream', () => {
  it('reads back as one image whose blobs are the streamed layers, byte for byte', async () => {
    const bytesOf = (seed: number, size: number) => new Uint8Array(size).map((_, i) => (i * seed) & 0xff);
    const layers = await Promise.all(
      [3, 5].map(async (seed) => {
        const bytes = bytesOf(seed, 70_000 + seed);
        const digest = await sha256(bytes);
        return {
          descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: bytes.length },
          stream: () => new Blob([bytes]).stream(),
        };
      }),
    );
    const { tar, facts } = await streamOciLayout(layers, '2.0');
    const { format, images } = await readImageArchive(new Blob([await text(tar)]));
    expect(format).toBe('oci-layout');
    const [image] = images;
    expect(image?.tags).toEqual(['2.0']);
    expect(image?.manifest.digest).toBe(facts.manifest.digest);
    expect(image?.blobs.map((b) => [b.kind, b.digest])).toEqual([
      ['layer', layers[0]?.descriptor.digest],
      ['layer', layers[1]?.descriptor.digest],
      ['config', facts.config.digest],
      ['manifest', facts.manifest.digest],
    ]);
    for (const blob of image?.blobs ?? []) expect(await sha256(await text(blob.open()))).toBe(blob.digest);
  });
});
