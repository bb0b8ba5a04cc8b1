/**
 * What the console reads from the registry, beyond one call: every image of a repository page by page, the
 * child manifests of its indexes, the rows of the images table (children and referrers under their image),
 * and whether an optional ECR feature (lifecycle or repository policy) is set.
 * @module
 */

import { type EcrClient, isEcrError } from '@edgecr/client';
import { type ImageDetail, INDEX_MEDIA_TYPES } from '@edgecr/protocol';
import { type ChildManifest, parseManifest } from './manifest.ts';

/** DescribeImages' largest page: the fewest round trips for a large repository. */
export const PAGE_SIZE = 1000;
/** BatchGetImage takes at most 100 image ids a call. */
const BATCH_SIZE = 100;

/** Every image of the repository, following DescribeImages' `nextToken`. */
export async function describeAllImages(client: EcrClient, repositoryName: string): Promise<ImageDetail[]> {
  const all: ImageDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.describeImages({
      repositoryName,
      maxResults: PAGE_SIZE,
      ...(nextToken && { nextToken }),
    });
    all.push(...(page.imageDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** The child manifests of each index among `images`, by the index's digest (BatchGetImage, 100 at a time). */
export async function indexChildren(
  client: EcrClient,
  repositoryName: string,
  images: readonly ImageDetail[],
): Promise<Map<string, ChildManifest[]>> {
  const digests = images
    .filter((image) => INDEX_MEDIA_TYPES.includes(image.imageManifestMediaType ?? ''))
    .map((image) => image.imageDigest ?? '');
  const children = new Map<string, ChildManifest[]>();
  for (let at = 0; at < digests.length; at += BATCH_SIZE) {
    const answer = await client.batchGetImage({
      repositoryName,
      imageIds: digests.slice(at, at + BATCH_SIZE).map((imageDigest) => ({ imageDigest })),
    });
    for (const image of answer.images ?? []) {
      const manifest = parseManifest(image.imageManifest ?? '', image.imageManifestMediaType);
      children.set(image.imageId?.imageDigest ?? manifest.digest, manifest.manifests);
    }
  }
  return children;
}

/** One image of the table, with what belongs under it. */
export interface ImageRow {
  readonly image: ImageDetail;
  /** An index's platforms, each with its image when the repository holds it. */
  readonly children: readonly { manifest: ChildManifest; image?: ImageDetail }[];
  /** Images whose subject is this one: signatures, SBOMs, attestations. */
  readonly referrers: readonly ImageDetail[];
}

/**
 * The images table: newest push first, an index's children under it (not as untagged images of their own)
 * and referrers under their subject. A referrer whose subject is not in the repository stays a row.
 */
export function imageRows(
  images: readonly ImageDetail[],
  children: ReadonlyMap<string, readonly ChildManifest[]>,
): ImageRow[] {
  const byDigest = new Map(images.map((image) => [image.imageDigest ?? '', image]));
  const nested = new Set<string>();
  for (const manifests of children.values()) for (const child of manifests) nested.add(child.digest);
  const referrers = new Map<string, ImageDetail[]>();
  for (const image of images) {
    const subject = image.subjectManifestDigest;
    if (subject === undefined || !byDigest.has(subject)) continue;
    referrers.set(subject, [...(referrers.get(subject) ?? []), image]);
    nested.add(image.imageDigest ?? '');
  }
  return images
    .filter((image) => !nested.has(image.imageDigest ?? '') || (image.imageTags?.length ?? 0) > 0)
    .sort((a, b) => (b.imagePushedAt ?? 0) - (a.imagePushedAt ?? 0))
    .map((image) => {
      const digest = image.imageDigest ?? '';
      return {
        image,
        children: (children.get(digest) ?? []).map((manifest) => ({
          manifest,
          ...(byDigest.has(manifest.digest) && { image: byDigest.get(manifest.digest) }),
        })),
        referrers: referrers.get(digest) ?? [],
      };
    });
}

/** Whether a repository has a lifecycle or repository policy; `unknown` when the endpoint has no such operation. */
export type PolicyState = 'set' | 'none' | 'unknown';

/** The optional operations the repositories table asks about, and the error that means "none set". */
const POLICIES = {
  GetLifecyclePolicy: 'LifecyclePolicyNotFoundException',
  GetRepositoryPolicy: 'RepositoryPolicyNotFoundException',
} as const;

/**
 * Asks whether the repository has the policy. An endpoint without the operation answers
 * `UnknownOperationException`, read as `unknown`, so the column fills in by itself once it has it.
 */
export async function policyState(
  client: EcrClient,
  operation: keyof typeof POLICIES,
  repositoryName: string,
): Promise<PolicyState> {
  try {
    await client.send(operation, { repositoryName });
    return 'set';
  } catch (failure) {
    if (isEcrError(failure, POLICIES[operation])) return 'none';
    if (isEcrError(failure, 'UnknownOperationException')) return 'unknown';
    throw failure;
  }
}
