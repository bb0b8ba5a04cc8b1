/**
 * `repository[:tag]` on the command line.
 * @module
 */
import { UsageError } from './exitCodes.ts';

/** A repository and, when given, a tag. */
export interface Target {
  repositoryName: string;
  tag: string | undefined;
}

/**
 * Splits `repository[:tag]`: the tag is what follows the last `:` after the last `/` (a repository name has
 * no `:`). The endpoint checks the names themselves, with ECR's own errors.
 * @example
 * parseTarget('team/app:1.0'); // { repositoryName: 'team/app', tag: '1.0' }
 * parseTarget('team/app'); // { repositoryName: 'team/app', tag: undefined }
 */
export function parseTarget(text: string): Target {
  const colon = text.lastIndexOf(':');
  const split = colon > text.lastIndexOf('/');
  const repositoryName = split ? text.slice(0, colon) : text;
  const tag = split ? text.slice(colon + 1) : undefined;
  if (repositoryName === '' || tag === '') {
    throw new UsageError(`${JSON.stringify(text)} is not repository[:tag]`);
  }
  return { repositoryName, tag };
}
