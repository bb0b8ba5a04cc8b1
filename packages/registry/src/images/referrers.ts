/**
 * The referrers of a manifest (OCI Distribution 1.1, "Listing Referrers"): the images of a repository whose
 * `subject` names it, as the descriptors of an image index.
 * @module
 */

import type { ListImageReferrersRequest, ListImageReferrersResponse } from '@edgecr/protocol';
import { decodePageToken, encodePageToken } from '../catalog/pageToken.ts';
import { requireRepository } from './imageIds.ts';
import type { ImageContext } from './store.ts';

/** One entry of a referrers answer: an image-spec descriptor of a referring manifest. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  /** The manifest's size in bytes. */
  size: number;
  /** The manifest's `artifactType`, else its config's media type; absent when it has neither. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Which referrers to list: of `digest` in a repository, optionally only those of one `artifactType`. */
export interface ReferrersQuery {
  repositoryName: string;
  digest: string;
  artifactType?: string;
}

/**
 * The referrers of a manifest. The subject need not exist (a referrer may be pushed before it); no
 * referrers is an empty list.
 * @throws EcrError `RepositoryNotFoundException`.
 * @example
 * const signatures = referrers(ctx, { repositoryName: 'app', digest, artifactType: 'application/vnd.example.sig' });
 */
export function referrers(
  ctx: ImageContext,
  { repositoryName, digest, artifactType }: ReferrersQuery,
): ReferrerDescriptor[] {
  requireRepository(ctx, repositoryName);
  return ctx.store
    .referrersOf(repositoryName, digest)
    .filter((image) => artifactType === undefined || image.artifactMediaType === artifactType)
    .map((image) => {
      const text = ctx.store.manifest(repositoryName, image.digest);
      const { annotations } = JSON.parse(text) as { annotations?: Record<string, string> };
      return {
        mediaType: image.mediaType,
        digest: image.digest,
        size: new TextEncoder().encode(text).length,
        ...(image.artifactMediaType !== undefined && { artifactType: image.artifactMediaType }),
        ...(annotations !== undefined && { annotations }),
      };
    });
}

/** ListImageReferrers' page size when the request names none. */
const DEFAULT_REFERRERS_PAGE = 50;

/**
 * ListImageReferrers' page of a subject's referrers (the same index as the OCI referrers API), in digest
 * order. Every image here is `ACTIVE` (edgecr archives nothing), so a filter on another status finds none.
 * @throws EcrError `InvalidParameterException` for a `nextToken` this registry did not issue.
 */
export function pageReferrers(
  all: ReferrerDescriptor[],
  input: Pick<ListImageReferrersRequest, 'filter' | 'maxResults' | 'nextToken'>,
): ListImageReferrersResponse {
  const status = input.filter?.artifactStatus ?? 'ACTIVE';
  const types = input.filter?.artifactTypes;
  const after = input.nextToken === undefined ? '' : decodePageToken(input.nextToken).after;
  const limit = input.maxResults ?? DEFAULT_REFERRERS_PAGE;
  const visible = status === 'ACTIVE' || status === 'ANY' ? all : [];
  const matching = visible
    .filter((referrer) => !types?.length || types.includes(referrer.artifactType ?? ''))
    .filter((referrer) => referrer.digest > after)
    .sort((a, b) => (a.digest < b.digest ? -1 : 1));
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  return {
    referrers: page.map((referrer) => ({ ...referrer, artifactStatus: 'ACTIVE' })),
    ...(matching.length > limit && last && { nextToken: encodePageToken({ after: last.digest }) }),
  };
}
