/**
 * The lifecycle section of the errors module (errors.ts re-exports it). Wordings marked "ECR's" were read in
 * published ECR responses quoted in public issue threads; the schema messages follow the JSON-schema
 * validator ECR answers with ("instance type (null) does not match any allowed primitive type …"); the rule
 * messages are edgecr's, in ECR's frame, because no published response showed ECR's own.
 * @module
 */

import { EcrError } from '@edgecr/protocol';

/**
 * InvalidParameterException for a policy text that breaks a lifecycle rule (ECR's frame: "Invalid parameter
 * at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: …'").
 */
export function lifecyclePolicyInvalid(reason: string): EcrError {
  return new EcrError(
    'InvalidParameterException',
    `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${reason}'`,
  );
}

/** LifecyclePolicyNotFoundException (ECR's wording). */
export function lifecyclePolicyNotFound(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'LifecyclePolicyNotFoundException',
    `Lifecycle policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}

/** LifecyclePolicyPreviewNotFoundException. */
export function lifecyclePreviewNotFound(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'LifecyclePolicyPreviewNotFoundException',
    `Lifecycle policy preview does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}

/** LifecyclePolicyPreviewInProgressException. */
export function lifecyclePreviewInProgress(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'LifecyclePolicyPreviewInProgressException',
    `Previous lifecycle policy preview request has not completed for the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}
