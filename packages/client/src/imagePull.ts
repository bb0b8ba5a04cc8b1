/**
 * An image read back from a repository: its manifests through BatchGetImage (an index and every child), and its
 * blobs through GetDownloadUrlForLayer and the download URL, each digest checked as the bytes stream.
 * @module
 */
import { formatSha256Digest, ResumableSha256 } from '@edgecr/chunker';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES } from '@edgecr/image-archive';
import { EcrError } from '@edgecr/protocol';
import { sha256Hex } from './_sha256Hex.ts';
import type { CallOptions, ImageApi } from './ecrClient.ts';

/** A manifest or index as the repository holds it. */
export interface PulledManifest {
  readonly digest: string;
  readonly mediaType: string;
  /** The exact bytes: their SHA-256 is `digest` (checked). */
  readonly bytes: Uint8Array;
}

/** A layer or config an image's manifests reference. */
export interface PulledBlob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

/** Everything an image is made of, read from a repository; blobs are fetched on demand. */
export interface PulledImage {
  /** The top manifest or index (what the tag names). */
  readonly manifest: PulledManifest;
  /** The manifests an index lists (none for a single manifest). */
  readonly children: readonly PulledManifest[];
  /** Every layer and config, each digest once. */
  readonly blobs: readonly PulledBlob[];
}

/** What {@link pullImage} and {@link openBlob} need. */
export interface PullOptions extends CallOptions {
  api: ImageApi;
  repositoryName: string;
  /** How download URLs are fetched; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** The media types PutImage takes, so BatchGetImage hands back any manifest as stored. */
const ACCEPTED = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES];

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
}

/**
 * Reads an image's manifests: the one `tag` names and, for an index, every manifest it lists; each manifest's
 * bytes are checked against its digest. The blobs are listed, not fetched ({@link openBlob} fetches one).
 * @example
 * const image = await pullImage({ api, repositoryName: 'app' }, '1.0');
 */
export async function pullImage(options: PullOptions, tag: string): Promise<PulledImage> {
  const [manifest] = await getManifests(options, [{ imageTag: tag }]);
  const top = manifest as PulledManifest;
  const children = INDEX_MEDIA_TYPES.includes(top.mediaType)
    ? await getManifests(
        options,
        descriptors(top, 'manifests').map((d) => ({ imageDigest: d.digest })),
      )
    : [];
  const blobs = new Map<string, PulledBlob>();
  for (const m of children.length > 0 ? children : [top]) {
    const json = parse(m);
    for (const d of [json.config as Descriptor, ...descriptors(m, 'layers')]) {
      if (d && !blobs.has(d.digest)) {
        blobs.set(d.digest, { digest: d.digest, size: d.size, mediaType: d.mediaType ?? '' });
      }
    }
  }
  return { manifest: top, children, blobs: [...blobs.values()] };
}

/**
 * A blob's bytes as a stream, from GetDownloadUrlForLayer's URL; the stream errors at its end if the bytes do
 * not hash to `blob.digest` or are not `blob.size` long, so a damaged download is never taken for the blob.
 * @example
 * await openBlob(options, blob).pipeTo(fileSink);
 */
export async function openBlob(options: PullOptions, blob: PulledBlob): Promise<ReadableStream<Uint8Array>> {
  const { api, repositoryName, signal } = options;
  const { downloadUrl } = await api.getDownloadUrlForLayer(
    { repositoryName, layerDigest: blob.digest },
    callOptions(options),
  );
  if (!downloadUrl) throw new Error(`GetDownloadUrlForLayer gave no URL for ${blob.digest}`);
  const response = await (options.fetch ?? fetch)(downloadUrl, signal ? { signal } : {});
  if (!response.ok || !response.body) {
    throw new Error(`Downloading ${blob.digest} failed: HTTP ${response.status}`);
  }
  const hash = new ResumableSha256();
  return response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        controller.enqueue(chunk);
      },
      flush() {
        const digest = formatSha256Digest(hash.digest());
        if (digest !== blob.digest || hash.length !== blob.size) {
          throw new Error(
            `The download of ${blob.digest} (${blob.size} bytes) gave ${hash.length} bytes hashing to ${digest}`,
          );
        }
      },
    }),
  );
}

async function getManifests(
  options: PullOptions,
  imageIds: { imageTag?: string; imageDigest?: string }[],
): Promise<PulledManifest[]> {
  if (imageIds.length === 0) return [];
  const { api, repositoryName } = options;
  const answer = await api.batchGetImage(
    { repositoryName, imageIds, acceptedMediaTypes: ACCEPTED },
    callOptions(options),
  );
  const failure = answer.failures?.[0];
  if (failure) {
    const id = failure.imageId?.imageTag ?? failure.imageId?.imageDigest ?? '';
    const message = `${repositoryName}:${id}: ${failure.failureReason ?? failure.failureCode}`;
    // BatchGetImage answers a missing image as a failure entry, not an error: said as ECR's error for it.
    throw failure.failureCode === 'ImageNotFound' || failure.failureCode === 'ImageTagDoesNotMatchDigest'
      ? new EcrError('ImageNotFoundException', message)
      : new Error(message);
  }
  const images = answer.images ?? [];
  const out: PulledManifest[] = [];
  for (const image of images) {
    const bytes = new TextEncoder().encode(image.imageManifest ?? '');
    const digest = `sha256:${await sha256Hex(bytes)}`;
    const claimed = image.imageId?.imageDigest;
    if (claimed && claimed !== digest) {
      throw new Error(`The manifest ${claimed} the endpoint sent hashes to ${digest}`);
    }
    const mediaType = image.imageManifestMediaType ?? String(parse({ bytes }).mediaType ?? '');
    out.push({ digest, mediaType, bytes });
  }
  if (out.length !== imageIds.length) {
    throw new Error(`BatchGetImage answered ${out.length} manifests for ${imageIds.length} asked`);
  }
  return out;
}

function callOptions(options: PullOptions): CallOptions {
  return {
    ...(options.signal && { signal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  };
}

function parse(manifest: { bytes: Uint8Array }): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(manifest.bytes)) as Record<string, unknown>;
}

function descriptors(manifest: PulledManifest, member: 'manifests' | 'layers'): Descriptor[] {
  const list = parse(manifest)[member];
  return Array.isArray(list) ? (list as Descriptor[]) : [];
}
