import { EcrError } from '@edgecr/protocol';

// ECR's own wording for the errors several modules raise, so one message never drifts from its twin.

/** RepositoryNotFoundException as ECR words it. */
export function repositoryNotFound(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'RepositoryNotFoundException',
    `The repository with name '${repositoryName}' does not exist in the registry with id '${registryId}'`,
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
