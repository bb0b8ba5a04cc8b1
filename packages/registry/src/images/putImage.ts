/**
 * PutImage: store a manifest as an image of a repository and point a tag at it.
 * @module
 */

import type { ParsedManifest, PutImageRequest, PutImageResponse } from '@edgecr/protocol';
import { FOREIGN_LAYER_TYPES, MAX_IMAGES_PER_REPOSITORY, parseManifest } from '@edgecr/protocol';
import {
  imageDigestDoesNotMatch,
  imageTagAlreadyExists,
  layersNotFound,
  referencedImagesNotFound,
  tooManyImages,
} from '../errors.ts';
import { checkTag, requireRepository } from './imageIds.ts';
import { canonicalDigest, type ImageContext, type ImageRecord, type ImageReferences } from './store.ts';
import { isTagImmutable } from './tagMutability.ts';

/**
 * PutImage. The image digest is the SHA-256 of the manifest's UTF-8 bytes, which are stored and returned
 * as sent. Every blob the manifest names must be a layer of the repository, and every manifest an index
 * names an image of it; a `subject` need not exist. A tag that names another image moves, unless the
 * repository makes that tag immutable. Without a tag the image is stored untagged. Blobs and manifests may be
 * named by a recorded alias (`sha512:…`); `alias`, the manifest's own sha512 digest its client named it by
 * (checked by the caller), is recorded so the image is found by it too, and recording it is a change: the same
 * image pushed again under its alias is not `unchanged`.
 * @returns The image, and whether the push changed anything: `unchanged` is a state, not a failure (ECR's API
 * answers it with `ImageAlreadyExistsException`, the OCI door with success, as a retried PUT wants).
 * @throws EcrError `RepositoryNotFoundException`, `InvalidParameterException`,
 * `ImageDigestDoesNotMatchException`, `LayersNotFoundException`, `ReferencedImagesNotFoundException`,
 * `ImageTagAlreadyExistsException` and `LimitExceededException` (a new image in a repository holding
 * {@link MAX_IMAGES_PER_REPOSITORY}).
 * `blobsUpstream` (a pull-through cache's image) lets blobs the repository does not hold yet be referenced:
 * they come from upstream when first pulled, and the manifest's sizes count for them meanwhile.
 * @example
 * const { state, image } = putImage(ctx, { repositoryName: 'app', imageManifest: text, imageTag: 'v1' });
 */
export function putImage(
  ctx: ImageContext,
  input: PutImageRequest,
  alias?: string,
  blobsUpstream = false,
): ImagePut {
  const { repositoryName, imageTag: tag } = input;
  const settings = requireRepository(ctx, repositoryName);
  if (tag !== undefined) checkTag(tag);
  const manifest = parseManifest(input.imageManifest, input.imageManifestMediaType);
  const { digest } = manifest;
  if (input.imageDigest !== undefined && input.imageDigest !== digest) {
    throw imageDigestDoesNotMatch(input.imageDigest, digest);
  }
  const { store } = ctx;
  const existing = store.image(repositoryName, digest);
  // What the manifest references is checked before the tag: a manifest that cannot be stored is refused as
  // such whatever tag it comes with.
  const created = existing ? null : newImage(ctx, repositoryName, manifest, blobsUpstream);
  const tagged = tag === undefined ? null : store.taggedDigest(repositoryName, tag);
  const newAlias = alias !== undefined && store.aliasOf(alias) === null;
  const unchanged = existing !== null && (tag === undefined || tagged === digest) && !newAlias;
  if (tag !== undefined && tagged !== null && tagged !== digest && isTagImmutable(settings, tag)) {
    throw imageTagAlreadyExists(repositoryName, tag);
  }
  // Only a new image counts against the quota: pushing a stored one again, or tagging it, adds none.
  if (created && store.imageCount(repositoryName) >= MAX_IMAGES_PER_REPOSITORY) {
    throw tooManyImages(ctx.registryId, repositoryName);
  }
  if (newAlias) store.insertAlias(alias, digest);
  if (created) store.putImage(repositoryName, created.record, input.imageManifest, created.references);
  if (tag !== undefined && !unchanged) store.setTag(repositoryName, tag, digest);
  return {
    state: unchanged ? 'unchanged' : 'stored',
    image: {
      registryId: ctx.registryId,
      repositoryName,
      imageId: tag === undefined ? { imageDigest: digest } : { imageDigest: digest, imageTag: tag },
      imageManifest: input.imageManifest,
      imageManifestMediaType: manifest.mediaType,
    },
  };
}

/** What PutImage did: stored the image (or a tag or alias of it), or found it exactly as pushed. */
export interface ImagePut extends Required<PutImageResponse> {
  state: 'stored' | 'unchanged';
}

/** The record and references of an image not yet stored, once everything it references is checked. */
function newImage(
  ctx: ImageContext,
  repositoryName: string,
  manifest: ParsedManifest,
  blobsUpstream: boolean,
): { record: ImageRecord; references: ImageReferences } {
  const { store } = ctx;
  const blobs = [...(manifest.config ? [manifest.config] : []), ...manifest.layers].filter(
    (blob) => !(FOREIGN_LAYER_TYPES.includes(blob.mediaType) && blob.urls !== undefined),
  );
  // References are kept by sha256 digest, whatever the manifest names them by, so what holds a blob or child
  // image is found whichever name it was pushed or deleted under.
  const canonical = new Map(blobs.map((blob) => [blob.digest, canonicalDigest(store, blob.digest)]));
  const sizes = new Map(
    [...canonical].map(([named, digest]) => [named, store.layerSize(repositoryName, digest)]),
  );
  const missingBlobs = [...sizes].filter(([, size]) => size === null).map(([blobDigest]) => blobDigest);
  if (missingBlobs.length > 0 && !blobsUpstream)
    throw layersNotFound(ctx.registryId, repositoryName, missingBlobs);
  const named = [...new Set(manifest.manifests.map((child) => child.digest))];
  const children = named.map((child) => canonicalDigest(store, child));
  const childImages = children.map((child) => store.image(repositoryName, child));
  const missingChildren = named.filter((_, i) => childImages[i] === null);
  if (missingChildren.length > 0) {
    throw referencedImagesNotFound(ctx.registryId, repositoryName, missingChildren);
  }
  const sizeInBytes =
    manifest.kind === 'index'
      ? Math.max(0, ...childImages.map((child) => child?.sizeInBytes ?? 0))
      : manifest.layers.reduce((sum, layer) => sum + (sizes.get(layer.digest) ?? layer.size), 0);
  const artifactMediaType = manifest.artifactType ?? manifest.config?.mediaType;
  const record: ImageRecord = {
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    sizeInBytes,
    pushedAt: ctx.now(),
    tags: [],
    ...(artifactMediaType === undefined ? {} : { artifactMediaType }),
    ...(manifest.subject === undefined ? {} : { subjectDigest: manifest.subject.digest }),
  };
  return {
    record,
    references: { blobs: [...new Set(canonical.values())], children: [...new Set(children)] },
  };
}
