// The images the pull benchmark pulls, written as OCI image layouts and pushed by skopeo to edgecr and to
// distribution alike: `big`, one layer of 256 MiB (the blob GET), and `small`, a config and three 256 KiB
// layers (manifest and small blob GETs, the pull storm); writeImage and random also make the pull-through
// benchmark's images. Layers are random bytes: nothing compresses them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiB } from '@edgecr/protocol';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { MEDIA_TYPES } from '@edgecr/testkit/ociLayout';

/** A written image: its layout folder and tag, its manifest and config digests, every blob by digest. */
export interface PullImage {
  dir: string;
  tag: string;
  manifest: { digest: string; bytes: Uint8Array };
  config: string;
  layers: string[];
  blobs: Map<string, Uint8Array>;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Writes an image of `layers` (their bytes) as an OCI image layout in `dir`, tagged `tag`. */
export function writeImage(dir: string, tag: string, layers: Uint8Array[]): PullImage {
  const blobs = new Map<string, Uint8Array>();
  const put = (bytes: Uint8Array) => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    return { digest, size: bytes.length };
  };
  const layerDescriptors = layers.map((bytes) => ({ mediaType: MEDIA_TYPES.layer, ...put(bytes) }));
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layerDescriptors.map((layer) => layer.digest) },
    }),
  );
  const configDescriptor = { mediaType: MEDIA_TYPES.config, ...put(config) };
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: configDescriptor,
      layers: layerDescriptors,
    }),
  );
  const manifestDescriptor = put(manifest);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of blobs) writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const annotations = { 'org.opencontainers.image.ref.name': tag };
  const index = {
    schemaVersion: 2,
    manifests: [{ mediaType: MEDIA_TYPES.manifest, ...manifestDescriptor, annotations }],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return {
    dir,
    tag,
    manifest: { digest: manifestDescriptor.digest, bytes: manifest },
    config: configDescriptor.digest,
    layers: layerDescriptors.map((layer) => layer.digest),
    blobs,
  };
}

/** Random bytes, in 64 MiB steps (one `randomBytes` call is capped below 2 GiB, and memory is kept even). */
export function random(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 64 * MiB)
    bytes.set(randomBytes(Math.min(64 * MiB, size - offset)), offset);
  return bytes;
}

/** Writes both images under `dir`. */
export function writePullImages(dir: string): { big: PullImage; small: PullImage } {
  return {
    big: writeImage(join(dir, 'big'), 'v1', [random(256 * MiB)]),
    small: writeImage(join(dir, 'small'), 'v1', [random(MiB / 4), random(MiB / 4), random(MiB / 4)]),
  };
}

/** Pushes `image` with skopeo to `repository` of `registry`, tag and digests preserved. */
export async function pushImage(
  image: PullImage,
  registry: RegistryTarget,
  repository: string,
): Promise<void> {
  await skopeoCopy(`oci:${image.dir}:${image.tag}`, `docker://${registry.host}/${repository}:${image.tag}`, {
    dest: registry,
  });
}
