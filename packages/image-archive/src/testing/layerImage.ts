/**
 * OCI image layouts of given layers: one layer of given bytes, for pushes that must span several parts (resume
 * tests), and layers given as streams, for archives too large to hold (benchmarks).
 * @module
 */
import { OCI_INDEX } from '@edgecr/protocol';
import { createTarPacker } from 'modern-tar';
import {
  type ArchiveFixture,
  blob,
  blobEntry,
  build,
  descriptor,
  type FixtureBlob,
  hexOf,
  LAYOUT,
  OCI_LAYER_TAR,
  ociImage,
} from './fixtureBlobs.ts';
import type { FixtureEntry } from './tarWriter.ts';

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
  return build([...layoutEntries(manifest, tag), ...[config, layer].map(blobEntry)], {
    tag,
    manifest,
    config,
    layer,
  });
}

/** `oci-layout`, an `index.json` naming `manifest` under `tag`, and the manifest itself. */
function layoutEntries(manifest: FixtureBlob, tag: string): FixtureEntry[] {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...descriptor(manifest), annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  return [
    { name: 'oci-layout', body: LAYOUT },
    { name: 'index.json', body: JSON.stringify(index) },
    blobEntry(manifest),
  ];
}

/** A layer too large to hold: what a manifest says of it, and its bytes as a new stream each time. */
export interface StreamedLayer {
  readonly descriptor: Pick<FixtureBlob, 'mediaType' | 'digest' | 'size'>;
  readonly stream: () => ReadableStream<Uint8Array>;
}

/** What {@link streamOciLayout} holds besides the layers. */
export interface StreamedLayoutFacts {
  readonly tag: string;
  readonly manifest: FixtureBlob;
  readonly config: FixtureBlob;
}

/**
 * An OCI layout tar of one image of `layers`, as a stream: only the index, manifest and config are held, and
 * each layer's bytes pass through as they are read, so a multi-GiB archive can be written to a file. The
 * digests in `descriptor` are trusted, not computed.
 * @example
 * const { tar } = await streamOciLayout([{ descriptor, stream: () => layerStream() }]);
 * await tar.pipeTo(Writable.toWeb(createWriteStream(path)));
 */
export async function streamOciLayout(
  layers: readonly StreamedLayer[],
  tag = '1.0',
): Promise<{ tar: ReadableStream<Uint8Array>; facts: StreamedLayoutFacts }> {
  const { config, manifest } = await ociImage(layers.map((layer) => layer.descriptor));
  const { readable, controller } = createTarPacker();
  const header = (name: string, size: number) => ({ name, size, mtime: new Date(0) });
  const write = async () => {
    for (const { name, body } of [...layoutEntries(manifest, tag), blobEntry(config)]) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : (body as Uint8Array);
      const writer = controller.add(header(name, bytes.length)).getWriter();
      await writer.write(bytes);
      await writer.close();
    }
    for (const { descriptor: layer, stream } of layers) {
      await stream().pipeTo(controller.add(header(`blobs/sha256/${hexOf(layer.digest)}`, layer.size)));
    }
    controller.finalize();
  };
  write().catch((error: unknown) => controller.error(error));
  return { tar: readable, facts: { tag, manifest, config } };
}
