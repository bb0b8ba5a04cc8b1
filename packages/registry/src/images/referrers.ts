/**
 * The referrers of a manifest (OCI Distribution 1.1, "Listing Referrers"): the images of a repository whose
 * `subject` names it, as the descriptors of an image index.
 * @module
 */

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
