/**
 * DescribeImages and ListImages: a repository's images, named or a page at a time in digest order.
 * @module
 */

import type {
  DescribeImagesRequest,
  DescribeImagesResponse,
  ImageDetail,
  ImageIdentifier,
  ImageStatusFilter,
  ListImagesRequest,
  ListImagesResponse,
} from '@edgecr/protocol';
import { invalidParameter } from '@edgecr/protocol';
import { decodePageToken, encodePageToken, type PagePosition } from '../catalog/pageToken.ts';
import { imageNotFound } from '../errors.ts';
import { requireRepository, resolveImageId } from './imageIds.ts';
import type { ImageContext, ImageRecord } from './store.ts';

/** Page size when `maxResults` is not given (ECR's documented default). */
export const DEFAULT_MAX_RESULTS = 100;

/**
 * DescribeImages: the named images (each must exist), or a page of all of them filtered by `tagStatus`.
 * @throws EcrError `RepositoryNotFoundException`, `ImageNotFoundException` for a named image that does not
 * exist, `InvalidParameterException` for an invalid id or `imageIds` given with `nextToken`/`maxResults`.
 * @example
 * describeImages(ctx, { repositoryName: 'app', filter: { tagStatus: 'TAGGED' } }).imageDetails;
 */
export function describeImages(ctx: ImageContext, input: DescribeImagesRequest): DescribeImagesResponse {
  const { repositoryName, imageIds } = input;
  requireRepository(ctx, repositoryName);
  if (imageIds !== undefined) {
    if (input.nextToken !== undefined || input.maxResults !== undefined) {
      throw invalidParameter('imageIds', 'cannot be used together with nextToken or maxResults');
    }
    const images = new Map<string, ImageRecord>();
    for (const id of imageIds) {
      const image = describedImage(ctx, repositoryName, id);
      images.set(image.digest, image);
    }
    return { imageDetails: [...images.values()].map((image) => detail(ctx, repositoryName, image)) };
  }
  const limit = input.maxResults ?? DEFAULT_MAX_RESULTS;
  const after = input.nextToken === undefined ? undefined : decodePageToken(input.nextToken).after;
  if (!isActive(input.filter?.imageStatus)) return { imageDetails: [] };
  const images = ctx.store
    .listImages(repositoryName, {
      from: after,
      limit: limit + 2,
      tagStatus: input.filter?.tagStatus ?? 'ANY',
    })
    .filter((image) => image.digest !== after);
  const page = images.slice(0, limit);
  const last = page.at(-1);
  const imageDetails = page.map((image) => detail(ctx, repositoryName, image));
  return images.length > limit && last
    ? { imageDetails, nextToken: encodePageToken({ after: last.digest }) }
    : { imageDetails };
}

/**
 * ListImages: one id per tag of each tagged image and one digest-only id per untagged image, filtered by
 * `tagStatus`, in digest then tag order.
 * @throws EcrError `RepositoryNotFoundException`, `InvalidParameterException` for a token not issued here.
 * @example
 * listImages(ctx, { repositoryName: 'app', filter: { tagStatus: 'UNTAGGED' } }).imageIds;
 */
export function listImages(ctx: ImageContext, input: ListImagesRequest): ListImagesResponse {
  const { repositoryName } = input;
  requireRepository(ctx, repositoryName);
  const limit = input.maxResults ?? DEFAULT_MAX_RESULTS;
  const after = input.nextToken === undefined ? undefined : decodePageToken(input.nextToken);
  if (!isActive(input.filter?.imageStatus)) return { imageIds: [] };
  // Every image gives at least one id, and the first may have given all of its ids on the previous page.
  const images = ctx.store.listImages(repositoryName, {
    from: after?.after,
    limit: limit + 2,
    tagStatus: input.filter?.tagStatus ?? 'ANY',
  });
  const ids = images
    .flatMap((image): ImageIdentifier[] =>
      image.tags.length === 0
        ? [{ imageDigest: image.digest }]
        : image.tags.map((imageTag) => ({ imageDigest: image.digest, imageTag })),
    )
    .filter((id) => !listedBefore(id, after));
  const page = ids.slice(0, limit);
  const last = page.at(-1);
  if (ids.length <= limit || !last) return { imageIds: page };
  const position = { after: last.imageDigest as string, ...(last.imageTag ? { tag: last.imageTag } : {}) };
  return { imageIds: page, nextToken: encodePageToken(position) };
}

/** Whether an id was on an earlier page: the images before the token's come from `listImages` no more. */
function listedBefore(id: ImageIdentifier, after: PagePosition | undefined): boolean {
  if (after === undefined || id.imageDigest !== after.after) return false;
  return after.tag === undefined || id.imageTag === undefined || id.imageTag <= after.tag;
}

/** edgecr never archives images: every image is ACTIVE. */
function isActive(filter: ImageStatusFilter | undefined): boolean {
  return filter === undefined || filter === 'ACTIVE' || filter === 'ANY';
}

function describedImage(ctx: ImageContext, repositoryName: string, id: ImageIdentifier): ImageRecord {
  const found = resolveImageId(ctx, repositoryName, id);
  if ('image' in found) return found.image;
  const code = found.failure.failureCode;
  if (code === 'ImageNotFound' || code === 'ImageTagDoesNotMatchDigest') {
    throw imageNotFound(ctx.registryId, repositoryName, id);
  }
  throw invalidParameter('imageIds', found.failure.failureReason ?? String(code));
}

function detail(ctx: ImageContext, repositoryName: string, image: ImageRecord): ImageDetail {
  return {
    registryId: ctx.registryId,
    repositoryName,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: image.tags } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: image.pushedAt,
    imageManifestMediaType: image.mediaType,
    ...(image.artifactMediaType === undefined ? {} : { artifactMediaType: image.artifactMediaType }),
    ...(image.lastRecordedPullTime === undefined ? {} : { lastRecordedPullTime: image.lastRecordedPullTime }),
    ...(image.subjectDigest === undefined ? {} : { subjectManifestDigest: image.subjectDigest }),
  };
}
