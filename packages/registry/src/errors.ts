import { EcrError, invalidParameter, MAX_LAYER_BYTES } from '@edgecr/protocol';

// Every ECR error the registry's rules raise, worded as ECR words it, in one place so a message never drifts
// from its twin. The image rules' wordings are its image section, imageErrors.ts; the lifecycle policies'
// are lifecycleErrors.ts.

export * from './imageErrors.ts';
export * from './lifecycleErrors.ts';

/** RepositoryNotFoundException as ECR words it. */
export function repositoryNotFound(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'RepositoryNotFoundException',
    `The repository with name '${repositoryName}' does not exist in the registry with id '${registryId}'`,
  );
}

/** RepositoryAlreadyExistsException as ECR words it. */
export function repositoryAlreadyExists(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'RepositoryAlreadyExistsException',
    `The repository with name '${repositoryName}' already exists in the registry with id '${registryId}'`,
  );
}

/** LayerAlreadyExistsException as ECR words it. */
export function layerAlreadyExists(registryId: string, repositoryName: string, digest: string): EcrError {
  return new EcrError(
    'LayerAlreadyExistsException',
    `Layer with digest '${digest}' already exists in the repository with name '${repositoryName}' in registry with id '${registryId}'`,
  );
}

/** UploadNotFoundException as ECR words it. */
export function uploadNotFound(registryId: string, repositoryName: string, uploadId: string): EcrError {
  return new EcrError(
    'UploadNotFoundException',
    `Upload with id '${uploadId}' is not found in repository with name '${repositoryName}' in registry with id '${registryId}'`,
  );
}

/** Where an upload stands, for InvalidLayerPartException's fields (how a client learns where to resume). */
export interface UploadPosition {
  registryId: string;
  repositoryName: string;
  uploadId: string;
  /** Bytes accepted so far. */
  received: number;
}

/** InvalidLayerPartException, carrying `lastValidByteReceived` so the client can resume. */
export function invalidLayerPart(at: UploadPosition, message: string): EcrError {
  return new EcrError('InvalidLayerPartException', message, {
    fields: {
      registryId: at.registryId,
      repositoryName: at.repositoryName,
      uploadId: at.uploadId,
      lastValidByteReceived: at.received - 1,
    },
  });
}

/** The part's blob is not as long as its byte range says. */
export function partLengthMismatch(at: UploadPosition, first: number, last: number, received: number) {
  return invalidLayerPart(
    at,
    `The layer part blob has ${received} bytes but bytes ${first} to ${last} are ${last - first + 1} bytes`,
  );
}

/** The part's range ends before it starts. */
export function partRangeReversed(at: UploadPosition, first: number, last: number): EcrError {
  return invalidLayerPart(at, `The part's last byte ${last} is before its first byte ${first}`);
}

/** The part does not start right after the last valid byte. */
export function partOutOfOrder(at: UploadPosition): EcrError {
  return invalidLayerPart(
    at,
    `The part must start at byte ${at.received}, the one after the last valid byte received`,
  );
}

/** The last part, sent again, differs from what was received. */
export function partResentDifferently(at: UploadPosition, first: number, last: number): EcrError {
  return invalidLayerPart(at, `Bytes ${first} to ${last} were already received with different content`);
}

/** The layer would pass ECR's layer size quota. */
export function layerTooLarge(): EcrError {
  return new EcrError('LimitExceededException', `A layer can be at most ${MAX_LAYER_BYTES} bytes`);
}

/** EmptyUploadException as ECR words it. */
export function emptyUpload(registryId: string, repositoryName: string, uploadId: string): EcrError {
  return new EcrError(
    'EmptyUploadException',
    `The upload with id '${uploadId}' in the repository with name '${repositoryName}' in registry with id '${registryId}' cannot be completed because it does not have any parts`,
  );
}

/** LayerPartTooSmallException as ECR words it. */
export function layerPartTooSmall(): EcrError {
  return new EcrError(
    'LayerPartTooSmallException',
    'All layer parts except the last part should be at least 5MB',
  );
}

/** InvalidLayerException: an entry of `layerDigests` is not the digest computed under its algorithm. */
export function layerDigestMismatch(given: string, computed: string): EcrError {
  return new EcrError(
    'InvalidLayerException',
    `The layer digest '${given}' does not match the computed digest '${computed}'`,
  );
}

/**
 * InvalidLayerException: a digest edgecr cannot check: an algorithm other than sha256 and sha512, or sha512 on
 * an upload that does not compute it (ECR's).
 */
export function digestAlgorithmUnsupported(given: string, computed: string[]): EcrError {
  return new EcrError(
    'InvalidLayerException',
    `The layer digest '${given}' cannot be checked: this upload computes ${computed.join(' and ')} digests only`,
  );
}

/** LayersNotFoundException as ECR words it for GetDownloadUrlForLayer. */
export function layerNotFound(registryId: string, repositoryName: string, digest: string): EcrError {
  return new EcrError(
    'LayersNotFoundException',
    `The repository with name '${repositoryName}' in registry with id '${registryId}' does not contain a layer with digest '${digest}'`,
  );
}

/** LayerInaccessibleException: the layer is stored, but no image references it. */
export function layerInaccessible(repositoryName: string, digest: string): EcrError {
  return new EcrError(
    'LayerInaccessibleException',
    `The layer with digest '${digest}' is not referenced by any image in the repository '${repositoryName}'`,
  );
}

/** InvalidParameterException for a `nextToken` this registry did not issue. */
export function invalidNextToken(): EcrError {
  return invalidParameter('nextToken', 'must be a token returned by a previous call');
}

/** InvalidParameterException: ECR pages the registry's listing, never a named set of repositories. */
export function paginationWithNames(): EcrError {
  return new EcrError(
    'InvalidParameterException',
    'maxResults and nextToken cannot be used when repositoryNames is specified',
  );
}

/** ServerException: an upload id collided with one in use (ids are random UUIDs; this should never happen). */
export function uploadIdInUse(uploadId: string): EcrError {
  return new EcrError('ServerException', `Upload id '${uploadId}' is already in use`);
}

/** TemplateAlreadyExistsException (edgecr's wording, in the frame of ECR's repository errors). */
export function templateAlreadyExists(registryId: string, prefix: string): EcrError {
  return new EcrError(
    'TemplateAlreadyExistsException',
    `The repository creation template with prefix '${prefix}' already exists in the registry with id '${registryId}'`,
  );
}

/** TemplateNotFoundException (edgecr's wording, in the frame of ECR's repository errors). */
export function templateNotFound(registryId: string, prefix: string): EcrError {
  return new EcrError(
    'TemplateNotFoundException',
    `The repository creation template with prefix '${prefix}' does not exist in the registry with id '${registryId}'`,
  );
}
