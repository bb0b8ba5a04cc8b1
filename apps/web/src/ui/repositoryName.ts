/**
 * Whether ECR would accept a repository name, and if not, why in words. The rule itself is
 * @edgecr/protocol's (the model's `RepositoryName` shape), so the page accepts exactly what ECR accepts.
 * @module
 */

import { isEcrError } from '@edgecr/client';
import { validateRequest } from '@edgecr/protocol';

/** The model's limits, stated in words the way a person reads them. */
const RULE =
  'A repository name has 2 to 256 characters: lowercase letters and digits, in parts joined by ".", "_", "__" or ' +
  'one or more "-", with "/" between path segments; it starts and ends with a letter or digit.';

/**
 * Checks `name` with ECR's own CreateRepository validation.
 * @returns `undefined` when ECR accepts the name, otherwise a sentence explaining the rule.
 * @example
 * explainRepositoryName('team__app/web--1'); // undefined
 * explainRepositoryName('Team'); // 'A repository name has 2 to 256 characters: …'
 */
export function explainRepositoryName(name: string): string | undefined {
  try {
    validateRequest('CreateRepository', { repositoryName: name });
    return undefined;
  } catch (failure) {
    if (isEcrError(failure, 'InvalidParameterException')) return RULE;
    throw failure;
  }
}
