/**
 * What the fixtures share: blobs with their digests, small layer tars, and the fixture shape.
 * @module
 */
import { OCI_MANIFEST } from '@edgecr/protocol';
import { packTar } from 'modern-tar';
import type { FolderFile } from '../archiveFiles.ts';
import { sha256Digest } from '../blobLike.ts';
import { buildTar, type FixtureEntry } from './tarWriter.ts';

// OCI media types only the fixtures write: the reader passes config and layer types through unread.
/** OCI image config. */
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** OCI uncompressed layer. */
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
/** OCI gzip layer. */
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** The `oci-layout` file. */
export const LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });

/** A blob of a fixture: its bytes and descriptor. */
export interface FixtureBlob {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

/** A built fixture: its entries, the same as a tar, and what a test expects the reader to find. */
export interface ArchiveFixture<Facts> {
  readonly entries: readonly FixtureEntry[];
  readonly archive: Blob;
  readonly facts: Facts;
}

/** A {@link FixtureBlob} of `bytes` (text is UTF-8 encoded). */
export async function blob(bytes: Uint8Array<ArrayBuffer> | string, mediaType: string): Promise<FixtureBlob> {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { bytes: b, digest: await sha256Digest(b), size: b.length, mediaType };
}

/** The descriptor of a blob. */
export const descriptor = ({ mediaType, digest, size }: FixtureBlob) => ({ mediaType, digest, size });
/** The hex part of a `sha256:` digest. */
export const hexOf = (digest: string) => digest.slice('sha256:'.length);
/** The `blobs/sha256/<hex>` entry of a blob. */
export const blobEntry = (b: FixtureBlob): FixtureEntry => ({
  name: `blobs/sha256/${hexOf(b.digest)}`,
  body: b.bytes,
});

/** A filesystem layer: a small tar holding one text file. */
export async function layerTar(path: string, text: string): Promise<Uint8Array<ArrayBuffer>> {
  return packTar([{ header: { name: path, size: text.length, mtime: new Date(0) }, body: text }]);
}

/** `bytes` through CompressionStream('gzip'). */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A fixture of `entries` packed as a tar. */
export async function build<Facts>(entries: FixtureEntry[], facts: Facts): Promise<ArchiveFixture<Facts>> {
  return { entries, archive: await buildTar(entries), facts };
}

/** A fixture's entries as a folder drop, each path under `folder` (as `webkitRelativePath` gives them). */
export function asFolder(entries: readonly FixtureEntry[], folder = 'image'): FolderFile[] {
  return entries
    .filter((e) => (e.type ?? 'file') === 'file')
    .map((e) => {
      const body = e.body ?? '';
      const part = typeof body === 'object' && 'zeros' in body ? new Uint8Array(body.zeros) : body;
      return { path: `${folder}/${e.name}`, blob: new Blob([part]) };
    });
}

/** What a manifest says of a blob; a layer may be named without its bytes (the sparse fixtures). */
type Described = Pick<FixtureBlob, 'mediaType' | 'digest' | 'size'>;

/**
 * An OCI image of `layers` on `platform`: its config (naming the layers' digests as diff_ids) and its manifest.
 * @example
 * const { config, manifest } = await ociImage([layer]);
 */
export async function ociImage(
  layers: readonly Described[],
  platform: { os: string; architecture: string; variant?: string } = { architecture: 'amd64', os: 'linux' },
): Promise<{ config: FixtureBlob; manifest: FixtureBlob }> {
  const config = await blob(
    JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
    OCI_CONFIG,
  );
  const manifest = await blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(config),
      layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
    }),
    OCI_MANIFEST,
  );
  return { config, manifest };
}
