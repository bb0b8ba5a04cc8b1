import {
  EcrError,
  invalidParameter,
  type SetRepositoryPolicyRequest,
  type SetRepositoryPolicyResponse,
} from '@edgecr/protocol';
import { repositoryNotFound } from '../errors.ts';
import type { CatalogTransaction } from '../ports/catalogStore.ts';
import { evaluatePolicy, type PolicyRequest } from './evaluate.ts';
import { parsePolicy } from './policyDocument.ts';

/** A repository's policy as Get/Set/DeleteRepositoryPolicy answer it. */
export type RepositoryPolicyAnswer = SetRepositoryPolicyResponse;

/** Who sets a policy, for the lock-out check: the same identity a policy names the caller by. */
export type PolicyCaller = Omit<PolicyRequest, 'action'>;

/** RepositoryPolicyNotFoundException as ECR words it. */
export function repositoryPolicyNotFound(registryId: string, repositoryName: string): EcrError {
  return new EcrError(
    'RepositoryPolicyNotFoundException',
    `Repository policy does not exist for the repository with name '${repositoryName}' in the registry with id '${registryId}'`,
  );
}

function requirePolicy(tables: CatalogTransaction, registryId: string, repositoryName: string): string {
  const record = tables.repository(repositoryName);
  if (!record) throw repositoryNotFound(registryId, repositoryName);
  if (record.policyText === undefined) throw repositoryPolicyNotFound(registryId, repositoryName);
  return record.policyText;
}

/**
 * SetRepositoryPolicy: the text is checked (parsePolicy) before anything changes. A policy that denies its own
 * setter `ecr:SetRepositoryPolicy` would lock that caller out of changing it again; as in ECR, that takes `force`.
 */
export function setRepositoryPolicy(
  tables: CatalogTransaction,
  registryId: string,
  input: SetRepositoryPolicyRequest,
  caller: PolicyCaller,
): RepositoryPolicyAnswer {
  const policy = parsePolicy(input.policyText);
  if (!tables.repository(input.repositoryName)) throw repositoryNotFound(registryId, input.repositoryName);
  const lockedOut = evaluatePolicy(policy, { ...caller, action: 'ecr:SetRepositoryPolicy' }) === 'Deny';
  if (lockedOut && !input.force) {
    throw invalidParameter(
      'PolicyText',
      'The policy denies you ecr:SetRepositoryPolicy, so you could not change it again; set force to store it',
    );
  }
  tables.setRepositoryPolicy(input.repositoryName, input.policyText);
  return { registryId, repositoryName: input.repositoryName, policyText: input.policyText };
}

/** GetRepositoryPolicy. */
export function getRepositoryPolicy(
  tables: CatalogTransaction,
  registryId: string,
  repositoryName: string,
): RepositoryPolicyAnswer {
  return { registryId, repositoryName, policyText: requirePolicy(tables, registryId, repositoryName) };
}

/** DeleteRepositoryPolicy: answers the policy it deleted. */
export function deleteRepositoryPolicy(
  tables: CatalogTransaction,
  registryId: string,
  repositoryName: string,
): RepositoryPolicyAnswer {
  const policyText = requirePolicy(tables, registryId, repositoryName);
  tables.setRepositoryPolicy(repositoryName, null);
  return { registryId, repositoryName, policyText };
}

/**
 * The text of the repository's policy, for a door's access decision: `{}` when it has none or does not exist
 * (the operation itself then says so, to a caller the decision lets through).
 */
export function accessPolicy(tables: CatalogTransaction, repositoryName: string): { policyText?: string } {
  const policyText = tables.repository(repositoryName)?.policyText;
  return policyText === undefined ? {} : { policyText };
}
