// Builds a small multi-platform OCI image layout on disk (image-spec image-layout.md) for real clients to
// push and pull: an index of two platforms, each an image manifest with its config and one gzipped tar
// layer. No network, no docker: node:fs, node:crypto and node:zlib only.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Media types of the image-spec that the layout uses. */
export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** A content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

/** One platform's image in the layout. */
export interface LayoutImage {
  platform: { architecture: string; os: string };
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
}

/** What {@link writeOciLayout} wrote, so tests can check what comes back from a registry byte for byte. */
export interface OciLayout {
  /** The layout folder: `oci:<dir>:<tag>` for skopeo, the PATH of `crane push`. */
  dir: string;
  /** The tag the index carries in `index.json` (`org.opencontainers.image.ref.name`). */
  tag: string;
  index: Descriptor;
  images: LayoutImage[];
  /** Every blob and manifest of the layout by digest. */
  blobs: Map<string, Uint8Array>;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A ustar header field: `text` padded with NULs to `length`. */
function field(header: Uint8Array, offset: number, length: number, text: string): void {
  header.set(new TextEncoder().encode(text).subarray(0, length), offset);
}

/**
 * A one-file POSIX ustar archive. Hand-written because a tar library would be a dependency for 20 lines,
 * and a layer only has to be a valid tar for clients that unpack (none of the tests' clients do).
 */
function tarOf(name: string, content: Uint8Array): Uint8Array {
  const header = new Uint8Array(512);
  field(header, 0, 100, name);
  field(header, 100, 8, '0000644\0');
  field(header, 108, 8, '0000000\0');
  field(header, 116, 8, '0000000\0');
  field(header, 124, 12, `${content.length.toString(8).padStart(11, '0')}\0`);
  field(header, 136, 12, '00000000000\0');
  field(header, 156, 1, '0');
  field(header, 257, 6, 'ustar\0');
  field(header, 263, 2, '00');
  // The checksum is computed with its own field read as eight spaces.
  field(header, 148, 8, '        ');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(header, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padded = Math.ceil(content.length / 512) * 512;
  const tar = new Uint8Array(512 + padded + 1024);
  tar.set(header, 0);
  tar.set(content, 512);
  return tar;
}

/**
 * Writes an OCI image layout under `dir`: `oci-layout`, `index.json` naming an image index by `tag`, and
 * `blobs/sha256/` holding the index, one image manifest per platform (linux/amd64 and linux/arm64), their
 * configs and layers. `seed` goes into every file, so two layouts of different seeds share no blob.
 */
export function writeOciLayout(dir: string, options: { tag?: string; seed?: string } = {}): OciLayout {
  const tag = options.tag ?? 'v1';
  const seed = options.seed ?? 'edgecr';
  const blobs = new Map<string, Uint8Array>();
  const blobDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobDir, { recursive: true });
  const put = (mediaType: string, bytes: Uint8Array): Descriptor => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    writeFileSync(join(blobDir, digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  const images = (['amd64', 'arm64'] as const).map((architecture): LayoutImage => {
    const platform = { architecture, os: 'linux' };
    const tar = tarOf('hello.txt', new TextEncoder().encode(`hello from ${seed} on ${architecture}\n`));
    const layer = put(MEDIA_TYPES.layer, gzipSync(tar));
    const config = put(
      MEDIA_TYPES.config,
      json({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }),
    );
    const manifestBody = { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: [layer] };
    const manifest = { ...put(MEDIA_TYPES.manifest, json(manifestBody)), platform };
    return { platform, manifest, config, layer };
  });
  const index = put(
    MEDIA_TYPES.index,
    json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: images.map((image) => image.manifest),
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const named = { ...index, annotations: { 'org.opencontainers.image.ref.name': tag } };
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: [named] }),
  );
  return { dir, tag, index, images, blobs };
}
