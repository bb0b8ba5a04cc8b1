/**
 * The image section of the errors module (errors.ts re-exports it): every message the image rules answer
 * with. Wordings marked "ECR's" were read in published
 * ECR responses (CLI and SDK logs quoted in public issue threads); the others are edgecr's, written in
 * ECR's style, because no published response showed ECR's own.
 * @module
 */

import { EcrError, type ImageIdentifier, MAX_IMAGES_PER_REPOSITORY } from '@edgecr/protocol';

/** How ECR prints an image id inside a message: an absent member prints as `'null'`, quoted, as ECR does. */
function printId(id: ImageIdentifier): string {
  return `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;
}

/** ImageNotFoundException (ECR's wording, `'null'` for an absent member included). */
export function imageNotFound(registryId: string, repositoryName: string, id: ImageIdentifier): EcrError {
  return new EcrError(
    'ImageNotFoundException',
    `The image with imageId ${printId(id)} does not exist within the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}

/** ImageAlreadyExistsException (ECR's wording). */
export function imageAlreadyExists(
  registryId: string,
  repositoryName: string,
  digest: string,
  tag: string | undefined,
): EcrError {
  return new EcrError(
    'ImageAlreadyExistsException',
    `Image with digest '${digest}' and tag '${tag ?? 'null'}' already exists in the repository with name '${repositoryName}' in registry with id '${registryId}'`,
  );
}

/** ImageTagAlreadyExistsException (ECR's wording, as its registry endpoint reports it to docker push). */
export function imageTagAlreadyExists(repositoryName: string, tag: string): EcrError {
  return new EcrError(
    'ImageTagAlreadyExistsException',
    `The image tag '${tag}' already exists in the '${repositoryName}' repository and cannot be overwritten because the repository is immutable.`,
  );
}

/** ImageDigestDoesNotMatchException (edgecr's wording). */
export function imageDigestDoesNotMatch(given: string, computed: string): EcrError {
  return new EcrError(
    'ImageDigestDoesNotMatchException',
    `The image digest '${given}' does not match the digest '${computed}' calculated for the image manifest`,
  );
}

/** LayersNotFoundException raised by PutImage (edgecr's wording). */
export function layersNotFound(registryId: string, repositoryName: string, digests: string[]): EcrError {
  return new EcrError(
    'LayersNotFoundException',
    `Layers with digests '[${digests.join(', ')}]' required for pushing image into repository with name '${repositoryName}' in the registry with id '${registryId}' do not exist`,
  );
}

/** ReferencedImagesNotFoundException (edgecr's wording). */
export function referencedImagesNotFound(
  registryId: string,
  repositoryName: string,
  digests: string[],
): EcrError {
  return new EcrError(
    'ReferencedImagesNotFoundException',
    `Images with digests '[${digests.join(', ')}]' referenced by the manifest list do not exist within the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}

/** LimitExceededException raised by PutImage: the repository holds its quota of images (edgecr's wording). */
export function tooManyImages(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'LimitExceededException',
    `The repository with name '${repositoryName}' in registry with id '${registryId}' already holds the maximum number of images, ${MAX_IMAGES_PER_REPOSITORY}`,
  );
}

/** RepositoryNotEmptyException (ECR's wording). */
export function repositoryNotEmpty(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'RepositoryNotEmptyException',
    `The repository with name '${repositoryName}' in registry with id '${registryId}' cannot be deleted because it still contains images`,
  );
}

/** Failure reasons of BatchGetImage and BatchDeleteImage entries. */
export const FAILURE_REASONS = {
  /** ECR's wording. */
  ImageNotFound: 'Requested image not found',
  /** Believed to be ECR's wording; not confirmed in a published response. */
  MissingDigestAndTag: 'Invalid request parameters: both tag and digest cannot be null',
  /** Believed to be ECR's wording (its pattern included); not confirmed in a published response. */
  InvalidImageDigest:
    "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
  InvalidImageTag:
    'Invalid request parameters: image tag should satisfy the regex [a-zA-Z0-9_][a-zA-Z0-9._-]{0,299}',
  ImageTagDoesNotMatchDigest: 'Invalid request parameters: the image tag does not match the image digest',
  ImageReferencedByManifestList:
    'The image is referenced by a manifest list in this repository and cannot be deleted',
} as const;

/** Failure reason of a BatchGetImage entry whose stored type is not accepted (edgecr's wording). */
export function unacceptedMediaType(mediaType: string): string {
  return `The image's manifest media type '${mediaType}' is not one of the accepted media types and cannot be converted to one`;
}
