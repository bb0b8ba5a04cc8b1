/**
 * OCI image layouts built in memory (two platforms; one large and sparse), and a file that is no archive.
 * @module
 */
import { OCI_INDEX } from '@edgecr/protocol';
import {
  type ArchiveFixture,
  blob,
  blobEntry,
  build,
  descriptor,
  type FixtureBlob,
  gzip,
  hexOf,
  LAYOUT,
  layerTar,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
  ociImage,
} from './fixtureBlobs.ts';
import { buildSparseTar, type FixtureEntry, type SparseBlob } from './tarWriter.ts';

/** One platform of the OCI fixture. */
export interface FixturePlatform {
  readonly platform: { os: string; architecture: string; variant?: string };
  readonly manifest: FixtureBlob;
  readonly config: FixtureBlob;
  readonly layers: readonly FixtureBlob[];
}

/** What the OCI layout fixtures hold. */
export interface OciLayoutFacts {
  readonly tag: string;
  readonly index: FixtureBlob;
  readonly platforms: readonly FixturePlatform[];
}

async function platformImage(
  platform: FixturePlatform['platform'],
  base: FixtureBlob,
  text: string,
): Promise<FixturePlatform> {
  const own = await blob(await gzip(await layerTar('app/platform.txt', text)), OCI_LAYER_TAR_GZIP);
  const layers = [base, own];
  const { config, manifest } = await ociImage(layers, platform);
  return { platform, manifest, config, layers };
}

/**
 * An OCI image layout tar whose `index.json` names (tag `1.0`) an image index of two platforms, linux/amd64
 * and linux/arm64/v8; both share a gzip base layer and have one layer of their own. `omit` leaves a blob out
 * (to make the missing-blob archive).
 */
export async function ociLayoutTwoPlatforms(options?: {
  omit?: (facts: OciLayoutFacts) => string;
}): Promise<ArchiveFixture<OciLayoutFacts>> {
  const base = await blob(
    await gzip(await layerTar('etc/base.txt', 'shared base layer\n')),
    OCI_LAYER_TAR_GZIP,
  );
  const platforms = [
    await platformImage({ os: 'linux', architecture: 'amd64' }, base, 'amd64 build\n'),
    await platformImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }, base, 'arm64 build\n'),
  ];
  const index = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: platforms.map((p) => ({ ...descriptor(p.manifest), platform: p.platform })),
    }),
    OCI_INDEX,
  );
  const tag = '1.0';
  const facts = { tag, index, platforms };
  const topIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...descriptor(index), annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  const blobs = new Map<string, FixtureBlob>([[index.digest, index]]);
  for (const p of platforms) for (const b of [p.manifest, p.config, ...p.layers]) blobs.set(b.digest, b);
  const omitted = options?.omit?.(facts);
  const entries: FixtureEntry[] = [
    { name: 'oci-layout', body: LAYOUT },
    { name: 'index.json', body: JSON.stringify(topIndex) },
    ...[...blobs.values()].filter((b) => b.digest !== omitted).map(blobEntry),
  ];
  return build(entries, facts);
}

/** A file that is not a tar: a short text. */
export function notATar(): Blob {
  return new Blob(['This is a text file, not a container image archive.\n'.repeat(20)]);
}

/** What the large sparse fixture holds. */
export interface LargeArchiveFacts {
  readonly layerSize: number;
  readonly manifest: FixtureBlob;
}

/**
 * An OCI layout tar with one layer of `layerBytes` zero bytes held as a zero run (no memory), as a
 * {@link SparseBlob} that counts the bytes read from it. The layer's digest is a stand-in, not its hash: the
 * fixture measures what a reader reads, and the reader never hashes layers (hashing it here would read it all).
 */
export async function largeOciLayout(
  layerBytes: number,
): Promise<{ archive: SparseBlob; facts: LargeArchiveFacts }> {
  const layer = { digest: `sha256:${'0'.repeat(64)}`, size: layerBytes, mediaType: OCI_LAYER_TAR };
  const { config, manifest } = await ociImage([layer]);
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptor(manifest)] };
  const archive = await buildSparseTar([
    { name: 'oci-layout', body: LAYOUT },
    { name: 'index.json', body: JSON.stringify(index) },
    { name: `blobs/sha256/${hexOf(layer.digest)}`, body: { zeros: layerBytes } },
    blobEntry(config),
    blobEntry(manifest),
  ]);
  return { archive, facts: { layerSize: layerBytes, manifest } };
}
