/**
 * Reads the classic `docker save` form (Docker before 25): `manifest.json` lists each image's config
 * (`<id>.json`), tags and layer files (`<id>/layer.tar`, uncompressed). Registries need a manifest, which this
 * form does not hold, so one is built: Docker image manifest v2 schema 2 whose layers are the uncompressed
 * tars as they are (digest = the config's `rootfs.diff_ids` entry), which needs no read of any layer.
 * @module
 */
import { digestBlob } from '@edgecr/chunker';
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_TAR,
  DOCKER_LAYER_TAR_GZIP,
  DOCKER_MANIFEST,
  SHA256_DIGEST,
} from '@edgecr/protocol';
import type { ArchiveFiles } from './archiveFiles.ts';
import { type BlobLike, readRange, sha256Digest } from './blobLike.ts';
import { archiveBlob, asObject, parseJson, readDocument, tagsOf } from './documents.ts';
import { ImageArchiveError } from './errors.ts';
import type { ArchiveBlob, ArchiveImage } from './model.ts';

const MALFORMED = 'MalformedManifest';

function fileOf(files: ArchiveFiles, path: string, what: string): BlobLike {
  const blob = files.get(path);
  if (blob === undefined) {
    throw new ImageArchiveError(
      'MissingBlob',
      `manifest.json names ${what} ${path}, which is not in the archive.`,
    );
  }
  return blob;
}

/**
 * Layers some tools write in this form gzip-compressed (`<digest>.tar.gz`): such a layer's digest is not its
 * diff_id, so it is hashed here (the only case that reads layer bytes before the upload).
 */
async function layerBlob(blob: BlobLike, diffId: string): Promise<ArchiveBlob<BlobLike>> {
  const magic = await readRange(blob, 0, 2);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    const { digest } = await digestBlob(blob.stream());
    return archiveBlob('layer', { digest, size: blob.size, mediaType: DOCKER_LAYER_TAR_GZIP }, blob);
  }
  return archiveBlob('layer', { digest: diffId, size: blob.size, mediaType: DOCKER_LAYER_TAR }, blob);
}

async function readImage(files: ArchiveFiles, entry: unknown, n: number): Promise<ArchiveImage<BlobLike>> {
  const { Config, RepoTags, Layers } = asObject(entry) ?? {};
  const what = `manifest.json, image ${n + 1}`;
  if (typeof Config !== 'string' || !Array.isArray(Layers) || !Layers.every((l) => typeof l === 'string')) {
    throw new ImageArchiveError(MALFORMED, `${what} lacks "Config" or "Layers".`);
  }
  const configFile = fileOf(files, Config, 'the config');
  const configBytes = await readDocument(configFile, `The config ${Config}`, MALFORMED);
  const diffIds = asObject(
    asObject(parseJson(configBytes, `The config ${Config}`, MALFORMED))?.rootfs,
  )?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds.length !== Layers.length) {
    throw new ImageArchiveError(
      MALFORMED,
      `The config ${Config} lists ${Array.isArray(diffIds) ? diffIds.length : 'no'} layer digests (rootfs.diff_ids), ` +
        `but manifest.json lists ${Layers.length} layers.`,
    );
  }
  const layers: ArchiveBlob<BlobLike>[] = [];
  for (const [i, path] of Layers.entries()) {
    const diffId = diffIds[i];
    if (typeof diffId !== 'string' || !SHA256_DIGEST.test(diffId)) {
      throw new ImageArchiveError(MALFORMED, `The config ${Config} has a malformed rootfs.diff_ids[${i}].`);
    }
    layers.push(await layerBlob(fileOf(files, path, `layer ${diffId}`), diffId));
  }
  const config = archiveBlob(
    'config',
    { digest: await sha256Digest(configBytes), size: configBytes.length, mediaType: DOCKER_CONFIG },
    configFile,
  );
  const describe = ({ mediaType, size, digest }: ArchiveBlob<BlobLike>) => ({ mediaType, size, digest });
  const manifestBytes = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: describe(config),
      layers: layers.map(describe),
    }),
  );
  const manifest = {
    mediaType: DOCKER_MANIFEST,
    digest: await sha256Digest(manifestBytes),
    size: manifestBytes.length,
  };
  const references = Array.isArray(RepoTags)
    ? RepoTags.filter((t): t is string => typeof t === 'string')
    : [];
  // A layer an image holds twice (an empty layer, typically) is pushed once.
  const unique = new Map([...layers, config].map((blob) => [blob.digest, blob]));
  return {
    references,
    tags: tagsOf(references),
    manifest: { ...manifest, bytes: manifestBytes },
    blobs: [...unique.values(), archiveBlob('manifest', manifest, new Blob([manifestBytes]))],
  };
}

/** Reads every image of a classic `docker save` archive's `manifest.json`. */
export async function readDockerClassic(
  files: ArchiveFiles,
  file: BlobLike,
): Promise<ArchiveImage<BlobLike>[]> {
  const entries = parseJson(await readDocument(file, 'manifest.json', MALFORMED), 'manifest.json', MALFORMED);
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ImageArchiveError(MALFORMED, 'manifest.json is not a list of images.');
  }
  const images: ArchiveImage<BlobLike>[] = [];
  for (const [n, entry] of entries.entries()) images.push(await readImage(files, entry, n));
  return images;
}
