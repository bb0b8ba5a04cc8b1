/**
 * A repository's tags (TagResource, UntagResource, ListTagsForResource, CreateRepository's `tags`) and the
 * repository ARNs they are addressed by. ECR's model leaves the limits out; these are AWS's tagging rules as
 * ECR documents them.
 * @module
 */

import { EcrError, invalidParameter, type Tag } from '@edgecr/protocol';

/** The most tags one repository carries (TooManyTagsException past it). */
const MAX_REPOSITORY_TAGS = 50;
/** The longest tag key, in characters. */
const MAX_TAG_KEY_LENGTH = 128;
/** The longest tag value, in characters. */
const MAX_TAG_VALUE_LENGTH = 256;

/** AWS's tag alphabet: letters, numbers and white space of any script, and `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The prefix AWS keeps for its own tags; a user may neither set nor remove one. */
const RESERVED_PREFIX = 'aws:';

function invalidTag(message: string): EcrError {
  return new EcrError('InvalidTagParameterException', message);
}

/** Counts characters as AWS does (code points, not UTF-16 units). */
function length(text: string): number {
  return [...text].length;
}

/**
 * Checks a tag key.
 * @throws EcrError `InvalidTagParameterException` for an empty, over-long, reserved or ill-formed key.
 */
function checkTagKey(key: string): void {
  if (length(key) < 1 || length(key) > MAX_TAG_KEY_LENGTH) {
    throw invalidTag(`Tag keys must be between 1 and ${MAX_TAG_KEY_LENGTH} characters long: '${key}'`);
  }
  if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
    throw invalidTag(`Tag keys cannot start with the reserved prefix '${RESERVED_PREFIX}': '${key}'`);
  }
  if (!TAG_TEXT.test(key)) {
    throw invalidTag(
      `Tag keys may contain only letters, numbers, white space and the characters _ . : / = + - @: '${key}'`,
    );
  }
}

function checkTag({ Key, Value }: Tag): void {
  checkTagKey(Key);
  if (length(Value) > MAX_TAG_VALUE_LENGTH) {
    throw invalidTag(`Tag values can be at most ${MAX_TAG_VALUE_LENGTH} characters long (key '${Key}')`);
  }
  if (!TAG_TEXT.test(Value)) {
    throw invalidTag(
      `Tag values may contain only letters, numbers, white space and the characters _ . : / = + - @ (key '${Key}')`,
    );
  }
}

/**
 * The tags after adding `added` to `existing`: a key already there takes the new value (as does a key named
 * twice, the last one winning), the others keep their order.
 * @throws EcrError `InvalidTagParameterException` for a bad tag; `TooManyTagsException` past 50 tags.
 * @example
 * addTags([{ Key: 'team', Value: 'a' }], [{ Key: 'team', Value: 'b' }]); // [{ Key: 'team', Value: 'b' }]
 */
export function addTags(existing: Tag[], added: Tag[]): Tag[] {
  for (const tag of added) checkTag(tag);
  const merged = new Map(existing.map((tag) => [tag.Key, tag.Value]));
  for (const { Key, Value } of added) merged.set(Key, Value);
  if (merged.size > MAX_REPOSITORY_TAGS) {
    throw new EcrError(
      'TooManyTagsException',
      `The repository would have ${merged.size} tags; a repository can have at most ${MAX_REPOSITORY_TAGS} tags`,
    );
  }
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/**
 * The tags after removing `keys` (a key the repository lacks is no error, as in ECR).
 * @throws EcrError `InvalidTagParameterException` for a key no tag could have (empty, too long, reserved).
 */
export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  for (const key of keys) checkTagKey(key);
  const removed = new Set(keys);
  return existing.filter((tag) => !removed.has(tag.Key));
}

/** What a repository ARN names. */
export interface RepositoryArn {
  region: string;
  registryId: string;
  repositoryName: string;
}

const REPOSITORY_ARN = /^arn:aws:ecr:([a-z0-9-]+):([0-9]{12}):repository\/(.+)$/;

/**
 * Reads `arn:aws:ecr:<region>:<registryId>:repository/<name>`, the only resource edgecr tags.
 * @returns What it names, or `null` when the text is no repository ARN.
 * @example
 * parseRepositoryArn('arn:aws:ecr:us-east-1:123456789012:repository/team/app');
 * // { region: 'us-east-1', registryId: '123456789012', repositoryName: 'team/app' }
 */
export function parseRepositoryArn(arn: string): RepositoryArn | null {
  const match = REPOSITORY_ARN.exec(arn);
  if (!match) return null;
  const [, region = '', registryId = '', repositoryName = ''] = match;
  return { region, registryId, repositoryName };
}

/**
 * The repository an ARN names in this endpoint's region.
 * @throws EcrError `InvalidParameterException` for text that is no repository ARN, or one of another region.
 */
export function repositoryOfArn(arn: string, region: string): RepositoryArn {
  const parsed = parseRepositoryArn(arn);
  if (!parsed) {
    throw invalidParameter(
      'resourceArn',
      'must be a repository ARN: arn:aws:ecr:<region>:<registryId>:repository/<name>',
    );
  }
  if (parsed.region !== region) {
    throw invalidParameter('resourceArn', `must name a repository of region ${region}`);
  }
  return parsed;
}
