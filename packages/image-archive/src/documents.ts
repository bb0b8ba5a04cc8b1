/**
 * Reading the archive's small JSON documents and checking their descriptors, shared by both formats.
 * @module
 */
import { type Descriptor, MAX_IMAGE_MANIFEST_LENGTH, SHA256_DIGEST } from '@edgecr/protocol';
import { type BlobLike, sha256Digest } from './blobLike.ts';
import { ImageArchiveError, type ImageArchiveErrorCode } from './errors.ts';
import type { ArchiveBlob, ArchiveBlobKind } from './model.ts';

/** Manifests and configs are parsed whole; a registry refuses manifests above 4 MiB anyway. */
const MAX_DOCUMENT_BYTES = MAX_IMAGE_MANIFEST_LENGTH;

type Malformed = Extract<ImageArchiveErrorCode, 'MalformedManifest' | 'MalformedIndex'>;

/** A plain object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Reads a small file whole, refusing one too large to be a manifest or config. */
export async function readDocument(
  blob: BlobLike,
  what: string,
  code: Malformed,
): Promise<Uint8Array<ArrayBuffer>> {
  if (blob.size > MAX_DOCUMENT_BYTES) {
    throw new ImageArchiveError(code, `${what} is ${blob.size} bytes, too large for a manifest or config.`);
  }
  return new Uint8Array(await blob.arrayBuffer());
}

/** Parses JSON bytes, with the plain-language error `code` naming `what` when they are not JSON. */
export function parseJson(bytes: Uint8Array, what: string, code: Malformed): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new ImageArchiveError(code, `${what} is not valid JSON.`, { cause });
  }
}

/** Checks that `value` is a descriptor with a sha256 digest the reader can push. */
export function parseDescriptor(value: unknown, what: string, code: Malformed): Descriptor {
  const d = asObject(value);
  const { mediaType, digest, size } = d ?? {};
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw new ImageArchiveError(code, `${what} has no mediaType.`);
  }
  if (typeof digest !== 'string' || !SHA256_DIGEST.test(digest)) {
    throw new ImageArchiveError(code, `${what} has digest ${JSON.stringify(digest)}, not a sha256 digest.`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ImageArchiveError(code, `${what} has size ${JSON.stringify(size)}, not a byte count.`);
  }
  const platform = asObject(d?.platform);
  const annotations = asObject(d?.annotations);
  return {
    mediaType,
    digest,
    size,
    ...(typeof platform?.os === 'string' && typeof platform.architecture === 'string'
      ? {
          platform: {
            os: platform.os,
            architecture: platform.architecture,
            ...(typeof platform.variant === 'string' ? { variant: platform.variant } : {}),
          },
        }
      : {}),
    ...(annotations ? { annotations: annotations as Record<string, string> } : {}),
  };
}

/** Throws `DigestMismatch` unless `bytes` hash to `digest`. */
export async function verifyDigest(
  bytes: Uint8Array<ArrayBuffer>,
  digest: string,
  what: string,
): Promise<void> {
  const actual = await sha256Digest(bytes);
  if (actual !== digest) {
    throw new ImageArchiveError('DigestMismatch', `${what} should have digest ${digest} but has ${actual}.`, {
      digest,
    });
  }
}

/** An {@link ArchiveBlob} over `blob`. */
export function archiveBlob(
  kind: ArchiveBlobKind,
  descriptor: Pick<Descriptor, 'digest' | 'size' | 'mediaType' | 'platform'>,
  blob: BlobLike,
): ArchiveBlob<BlobLike> {
  const { digest, size, mediaType, platform } = descriptor;
  return {
    kind,
    digest,
    size,
    mediaType,
    blob,
    ...(platform ? { platform } : {}),
    open: () => blob.stream(),
  };
}

/**
 * The tag of a reference: `alpine:3.20` and `registry:5000/team/app:v1` give `3.20` and `v1`; a bare name
 * with neither `/` nor `:` is itself a tag (OCI's `org.opencontainers.image.ref.name` is often just `latest`);
 * a reference by digest or without a tag gives none.
 */
export function tagOf(reference: string): string | undefined {
  if (reference.includes('@')) return undefined;
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return reference.slice(colon + 1);
  return slash === -1 ? reference : undefined;
}

/** The distinct tags of `references`, in order. */
export function tagsOf(references: readonly string[]): string[] {
  return [...new Set(references.map(tagOf).filter((tag): tag is string => tag !== undefined && tag !== ''))];
}
