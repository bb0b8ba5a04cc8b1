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

/** One image of a repository, named by a tag or by its manifest digest. */
export type ImageReference =
  | { repositoryName: string; imageTag: string; imageDigest?: undefined }
  | { repositoryName: string; imageDigest: string; imageTag?: undefined };

/**
 * Splits `repository:tag` or `repository@digest` (the digest's own `:` does not make it a tag). The endpoint
 * checks the names and the digest, and answers a malformed one with ECR's `InvalidImageDigest` or
 * `InvalidImageTag`.
 * @example
 * parseImageReference('team/app@sha256:4f…'); // { repositoryName: 'team/app', imageDigest: 'sha256:4f…' }
 * parseImageReference('team/app:1.0'); // { repositoryName: 'team/app', imageTag: '1.0' }
 */
export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  if (at >= 0) {
    const repositoryName = text.slice(0, at);
    const imageDigest = text.slice(at + 1);
    if (repositoryName === '' || imageDigest === '') {
      throw new UsageError(`${JSON.stringify(text)} is not repository@digest`);
    }
    return { repositoryName, imageDigest };
  }
  const { repositoryName, tag } = parseTarget(text);
  if (tag === undefined) {
    throw new UsageError(`${JSON.stringify(text)} names no image: give repository:tag or repository@digest`);
  }
  return { repositoryName, imageTag: tag };
}
