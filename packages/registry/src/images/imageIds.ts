/**
 * Image identifiers as the batch operations receive them: their validity, and which image they name.
 * @module
 */

import {
  ECR_DIGEST,
  type ImageFailure,
  type ImageFailureCode,
  type ImageIdentifier,
  invalidParameter,
} from '@edgecr/protocol';
import { FAILURE_REASONS, repositoryNotFound } from '../errors.ts';
import {
  canonicalDigest,
  type ImageContext,
  type ImageRecord,
  type ImageRepositorySettings,
} from './store.ts';

/** A tag: the OCI tag grammar, up to the model's 300 characters. */
export const IMAGE_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,299}$/;

/** An identifier that named an image, or the failure entry it gets. */
export type Resolution = { image: ImageRecord } | { failure: ImageFailure };

/** A failure entry with the reason written in imageErrors.ts. */
export function failure(
  imageId: ImageIdentifier,
  failureCode: keyof typeof FAILURE_REASONS & ImageFailureCode,
): ImageFailure {
  return { imageId, failureCode, failureReason: FAILURE_REASONS[failureCode] };
}

/**
 * Finds the image an identifier names: by digest (its sha256 one, or a recorded alias), by tag, or by both
 * (which must agree).
 * @example
 * const found = resolveImageId(ctx, 'app', { imageTag: 'latest' });
 * if ('failure' in found) failures.push(found.failure);
 */
export function resolveImageId(ctx: ImageContext, repositoryName: string, id: ImageIdentifier): Resolution {
  const { imageDigest, imageTag } = id;
  if (imageDigest === undefined && imageTag === undefined)
    return { failure: failure(id, 'MissingDigestAndTag') };
  if (imageDigest !== undefined && !ECR_DIGEST.test(imageDigest)) {
    return { failure: failure(id, 'InvalidImageDigest') };
  }
  if (imageTag !== undefined && !IMAGE_TAG.test(imageTag)) return { failure: failure(id, 'InvalidImageTag') };
  let digest = imageDigest === undefined ? undefined : canonicalDigest(ctx.store, imageDigest);
  if (imageTag !== undefined) {
    const tagged = ctx.store.taggedDigest(repositoryName, imageTag);
    if (tagged === null) return { failure: failure(id, 'ImageNotFound') };
    if (digest !== undefined && digest !== tagged)
      return { failure: failure(id, 'ImageTagDoesNotMatchDigest') };
    digest = tagged;
  }
  const image = ctx.store.image(repositoryName, digest as string);
  return image ? { image } : { failure: failure(id, 'ImageNotFound') };
}

/**
 * The repository's settings.
 * @throws EcrError `RepositoryNotFoundException` when there is no such repository.
 */
export function requireRepository(ctx: ImageContext, repositoryName: string): ImageRepositorySettings {
  const settings = ctx.store.repository(repositoryName);
  if (!settings) throw repositoryNotFound(ctx.registryId, repositoryName);
  return settings;
}

/**
 * Checks a tag PutImage is asked to set.
 * @throws EcrError `InvalidParameterException` for a tag outside the tag grammar.
 */
export function checkTag(tag: string): void {
  if (!IMAGE_TAG.test(tag)) {
    throw invalidParameter('imageTag', `must satisfy regular expression pattern: ${IMAGE_TAG.source}`);
  }
}
