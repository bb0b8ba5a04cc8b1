import type {
  CreateRepositoryRequest,
  CreateRepositoryResponse,
  DeleteRepositoryRequest,
  DeleteRepositoryResponse,
  DescribeRepositoriesRequest,
  DescribeRepositoriesResponse,
  Repository,
} from '@edgecr/protocol';
import { EcrError, toEpochSeconds } from '@edgecr/protocol';
import type { OperationContext } from '../context.ts';
import { reachesRepository } from '../credentials.ts';
import { unwrap } from '../outcome.ts';
import type { RepositoryRecord } from '../registry.ts';

/** The wire form of a catalog record: ECR's ARN, and a URI on this endpoint's host. */
export function toRepository(
  record: RepositoryRecord,
  { settings, registryId, origin }: OperationContext,
): Repository {
  const { tags: _tags, createdAt, ...rest } = record;
  return {
    ...rest,
    repositoryArn: `arn:aws:ecr:${settings.region}:${registryId}:repository/${record.repositoryName}`,
    registryId,
    repositoryUri: `${new URL(origin).host}/${record.repositoryName}`,
    createdAt,
  };
}

export async function createRepository(
  input: CreateRepositoryRequest,
  context: OperationContext,
): Promise<CreateRepositoryResponse> {
  const record: RepositoryRecord = {
    repositoryName: input.repositoryName,
    createdAt: toEpochSeconds(new Date()),
    imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
    ...(input.imageTagMutabilityExclusionFilters && {
      imageTagMutabilityExclusionFilters: input.imageTagMutabilityExclusionFilters,
    }),
    imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false },
    encryptionConfiguration: input.encryptionConfiguration ?? { encryptionType: 'AES256' },
    tags: input.tags ?? [],
  };
  return { repository: toRepository(unwrap(await context.registry.createRepository(record)), context) };
}

export async function describeRepositories(
  input: DescribeRepositoriesRequest,
  context: OperationContext,
): Promise<DescribeRepositoriesResponse> {
  if (input.repositoryNames && (input.maxResults !== undefined || input.nextToken !== undefined)) {
    // ECR: pagination applies to listing the registry, not to a named set.
    throw new EcrError(
      'InvalidParameterException',
      'maxResults and nextToken cannot be used when repositoryNames is specified',
    );
  }
  const page = unwrap(await context.registry.describeRepositories(input));
  return {
    // A key limited to prefixes lists only what it may reach (a page may then hold fewer than maxResults).
    repositories: page.repositories
      .filter((record) => reachesRepository(context.key, record.repositoryName))
      .map((record) => toRepository(record, context)),
    ...(page.nextToken && { nextToken: page.nextToken }),
  };
}

export async function deleteRepository(
  input: DeleteRepositoryRequest,
  context: OperationContext,
): Promise<DeleteRepositoryResponse> {
  return {
    repository: toRepository(unwrap(await context.registry.deleteRepository(input.repositoryName)), context),
  };
}
