/**
 * An OCI image layout with one layer of given bytes: for pushes that must span several parts (resume tests).
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
  LAYOUT,
  OCI_LAYER_TAR,
  ociImage,
} from './fixtureBlobs.ts';

/** What {@link ociLayoutOneLayer} holds. */
export interface OneLayerFacts {
  readonly tag: string;
  readonly manifest: FixtureBlob;
  readonly config: FixtureBlob;
  readonly layer: FixtureBlob;
}

/**
 * An OCI layout tar whose `index.json` names (tag `tag`, default `1.0`) one manifest with one uncompressed layer
 * of `layerBytes` (hashed here: a real digest, unlike {@link largeOciLayout}'s stand-in).
 * @example
 * const { archive, facts } = await ociLayoutOneLayer(new Uint8Array(12 * 1024 * 1024).fill(7));
 */
export async function ociLayoutOneLayer(
  layerBytes: Uint8Array<ArrayBuffer>,
  tag = '1.0',
): Promise<ArchiveFixture<OneLayerFacts>> {
  const layer = await blob(layerBytes, OCI_LAYER_TAR);
  const { config, manifest } = await ociImage([layer]);
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...descriptor(manifest), annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  return build(
    [
      { name: 'oci-layout', body: LAYOUT },
      { name: 'index.json', body: JSON.stringify(index) },
      ...[manifest, config, layer].map(blobEntry),
    ],
    { tag, manifest, config, layer },
  );
}
