import { EcrError, type OperationName } from '@edgecr/protocol';

/** What a key may do. Each level includes the one before it. */
export type Permission = 'pull' | 'push' | 'admin';

/** One access key, as the `EDGECR_CREDENTIALS` secret lists it. */
export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** The registry (12-digit account id) the key belongs to; it never acts on another. */
  registryId: string;
  permission: Permission;
  /** When set, the key reaches only repositories whose names start with one of these. */
  repositoryPrefixes?: string[];
}

const LEVEL: Record<Permission, number> = { pull: 0, push: 1, admin: 2 };

/** The permission each operation needs, as ECR's managed policies split them (read-only, power user, full). */
export const REQUIRED_PERMISSION: Record<OperationName, Permission> = {
  GetAuthorizationToken: 'pull',
  BatchCheckLayerAvailability: 'pull',
  GetDownloadUrlForLayer: 'pull',
  BatchGetImage: 'pull',
  DescribeImages: 'pull',
  ListImages: 'pull',
  DescribeRepositories: 'pull',
  InitiateLayerUpload: 'push',
  UploadLayerPart: 'push',
  CompleteLayerUpload: 'push',
  PutImage: 'push',
  CreateRepository: 'admin',
  DeleteRepository: 'admin',
  // Neither is in ECR's power-user policy: deleting images and changing tag rules take full access.
  BatchDeleteImage: 'admin',
  PutImageTagMutability: 'admin',
  // Reading a policy and its preview is in ECR's read-only policy; setting, deleting and previewing are not.
  GetLifecyclePolicy: 'pull',
  GetLifecyclePolicyPreview: 'pull',
  PutLifecyclePolicy: 'admin',
  DeleteLifecyclePolicy: 'admin',
  StartLifecyclePolicyPreview: 'admin',
  // Reading tags, the registry and referrers is in ECR's read-only policy; tagging only in full access.
  ListTagsForResource: 'pull',
  DescribeRegistry: 'pull',
  ListImageReferrers: 'pull',
  TagResource: 'admin',
  UntagResource: 'admin',
  // Templates: reading in ECR's read-only policy, changing them only in full access.
  DescribeRepositoryCreationTemplates: 'pull',
  CreateRepositoryCreationTemplate: 'admin',
  UpdateRepositoryCreationTemplate: 'admin',
  DeleteRepositoryCreationTemplate: 'admin',
  // Repository policies: reading in ECR's read-only policy, setting and deleting only in full access.
  GetRepositoryPolicy: 'pull',
  SetRepositoryPolicy: 'admin',
  DeleteRepositoryPolicy: 'admin',
  // Pull-through cache rules: reading in ECR's read-only policy, changing and validating only in full access.
  DescribePullThroughCacheRules: 'pull',
  CreatePullThroughCacheRule: 'admin',
  UpdatePullThroughCacheRule: 'admin',
  DeletePullThroughCacheRule: 'admin',
  ValidatePullThroughCacheRule: 'admin',
};

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const REGISTRY_ID = /^[0-9]{12}$/;

function invalid(detail: string): never {
  throw new TypeError(`EDGECR_CREDENTIALS is not valid: ${detail}`);
}

/**
 * Parses the `EDGECR_CREDENTIALS` secret: a JSON object from access key id to
 * `{ "secretAccessKey", "registryId", "permission": "pull" | "push" | "admin", "repositoryPrefixes"?: [...] }`.
 * @example
 * const keys = parseCredentials('{"AKIAEXAMPLE0000001":{"secretAccessKey":"…","registryId":"123456789012","permission":"push"}}');
 */
export function parseCredentials(json: string): Map<string, AccessKey> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    invalid('it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    invalid('expected an object of keys');
  const keys = new Map<string, AccessKey>();
  for (const [accessKeyId, value] of Object.entries(parsed)) {
    if (!ACCESS_KEY_ID.test(accessKeyId))
      invalid(`access key id ${JSON.stringify(accessKeyId)} is not 16+ A-Z0-9`);
    const entry = value as Partial<AccessKey>;
    if (typeof entry.secretAccessKey !== 'string' || entry.secretAccessKey.length < 16) {
      invalid(`${accessKeyId}: "secretAccessKey" must be a string of 16 or more characters`);
    }
    if (typeof entry.registryId !== 'string' || !REGISTRY_ID.test(entry.registryId)) {
      invalid(`${accessKeyId}: "registryId" must be 12 digits`);
    }
    if (entry.permission === undefined || !(entry.permission in LEVEL)) {
      invalid(`${accessKeyId}: "permission" must be "pull", "push" or "admin"`);
    }
    const prefixes = entry.repositoryPrefixes;
    if (
      prefixes !== undefined &&
      (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string' || p === ''))
    ) {
      invalid(`${accessKeyId}: "repositoryPrefixes" must be a list of non-empty strings`);
    }
    keys.set(accessKeyId, {
      accessKeyId,
      secretAccessKey: entry.secretAccessKey,
      registryId: entry.registryId,
      permission: entry.permission,
      ...(prefixes && { repositoryPrefixes: prefixes }),
    });
  }
  return keys;
}

/** Whether the key may reach the repository: any name without prefixes, else one under a prefix. */
export function reachesRepository(key: AccessKey, repositoryName: string): boolean {
  return (
    !key.repositoryPrefixes || key.repositoryPrefixes.some((prefix) => repositoryName.startsWith(prefix))
  );
}

/** Where an operation acts: a registry, and the repository when it names one. */
export interface AccessTarget {
  region: string;
  registryId: string;
  repositoryName?: string;
}

/** The ARN ECR names in an AccessDeniedException: the repository's, or every repository's of the registry. */
export function resourceArn(target: AccessTarget): string {
  return `arn:aws:ecr:${target.region}:${target.registryId}:repository/${target.repositoryName ?? '*'}`;
}

/**
 * Whether the key alone lets it perform the operation: its own registry, a repository within its prefixes, and
 * an operation within its permission. A repository policy may allow more (auth/access.ts).
 */
export function keyAllows(key: AccessKey, operation: OperationName, target: AccessTarget): boolean {
  return (
    LEVEL[key.permission] >= LEVEL[REQUIRED_PERMISSION[operation]] &&
    target.registryId === key.registryId &&
    (target.repositoryName === undefined || reachesRepository(key, target.repositoryName))
  );
}

/**
 * The AccessDeniedException ECR gives an IAM user whose policies do not allow the action on the resource.
 * @example
 * throw accessDenied('AKIAEXAMPLE0000001', 'PutImage', { region, registryId, repositoryName: 'app' });
 */
export function accessDenied(who: string, operation: OperationName, target: AccessTarget): EcrError {
  return new EcrError(
    'AccessDeniedException',
    `User: ${who} is not authorized to perform: ecr:${operation} on resource: ${resourceArn(target)}`,
  );
}
