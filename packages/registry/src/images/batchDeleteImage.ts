/**
 * BatchDeleteImage, and the image side of DeleteRepository.
 * @module
 */

import type {
  BatchDeleteImageRequest,
  BatchDeleteImageResponse,
  ImageFailure,
  ImageIdentifier,
} from '@edgecr/protocol';
import { repositoryNotEmpty } from '../errors.ts';
import { failure, requireRepository, resolveImageId } from './imageIds.ts';
import type { ImageContext, ImageRecord } from './store.ts';

/**
 * BatchDeleteImage. An id with a digest deletes that image and all its tags; a tag alone removes the tag,
 * and the image goes with its last tag. An image an index of the repository still lists is not deleted
 * (`ImageReferencedByManifestList`) unless that index is deleted by the same call. The answer lists each
 * deleted tag (or the digest of a deleted untagged image) once.
 * @throws EcrError `RepositoryNotFoundException`.
 * @example
 * batchDeleteImage(ctx, { repositoryName: 'app', imageIds: [{ imageTag: 'old' }] });
 */
export function batchDeleteImage(
  ctx: ImageContext,
  input: BatchDeleteImageRequest,
): BatchDeleteImageResponse {
  const { repositoryName } = input;
  const { store } = ctx;
  requireRepository(ctx, repositoryName);
  const failures: ImageFailure[] = [];
  const imageIds: ImageIdentifier[] = [];
  const plan = planDeletion(ctx, repositoryName, input.imageIds, failures);
  // Parents before children, so no image goes while a reference to it is still stored. Every parent of a
  // planned image is planned too, and digests cannot form a cycle, so each round deletes at least one.
  const remaining = new Map(plan.images);
  while (remaining.size > 0) {
    const before = remaining.size;
    for (const image of remaining.values()) {
      if (store.parentsOf(repositoryName, image.digest).length > 0) continue;
      imageIds.push(...deletedIds(image));
      store.deleteImage(repositoryName, image.digest);
      remaining.delete(image.digest);
    }
    // Only a store that contradicts itself gets here; fail the call rather than loop in the catalog.
    if (remaining.size === before) throw new Error('image references form a cycle');
  }
  for (const [tag, image] of plan.tags) {
    store.deleteTag(repositoryName, tag);
    imageIds.push({ imageDigest: image.digest, imageTag: tag });
  }
  return { imageIds, failures };
}

interface Plan {
  /** Images to delete whole, by digest. */
  images: Map<string, ImageRecord>;
  /** Tags to remove from images that keep other tags. */
  tags: Map<string, ImageRecord>;
}

/** Resolves every id, then refuses the deletions an index left in place would break. */
function planDeletion(
  ctx: ImageContext,
  repositoryName: string,
  ids: ImageIdentifier[],
  failures: ImageFailure[],
): Plan {
  const requested: { id: ImageIdentifier; image: ImageRecord }[] = [];
  for (const id of ids) {
    const found = resolveImageId(ctx, repositoryName, id);
    if ('failure' in found) failures.push(found.failure);
    else requested.push({ id, image: found.image });
  }
  const removedTags = new Map<string, Set<string>>();
  for (const { id, image } of requested) {
    if (id.imageDigest === undefined && id.imageTag !== undefined) {
      const tags = removedTags.get(image.digest) ?? new Set();
      removedTags.set(image.digest, tags.add(id.imageTag));
    }
  }
  // An image goes when asked for by digest, or when every one of its tags is removed...
  const goes = (image: ImageRecord, id: ImageIdentifier) =>
    id.imageDigest !== undefined || image.tags.every((tag) => removedTags.get(image.digest)?.has(tag));
  const candidates = new Set(
    requested.filter(({ id, image }) => goes(image, id)).map(({ image }) => image.digest),
  );
  // ...and no index that stays lists it (indexes of indexes: repeat until nothing more is kept).
  const kept = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const digest of candidates) {
      if (ctx.store.parentsOf(repositoryName, digest).some((parent) => !candidates.has(parent))) {
        candidates.delete(digest);
        kept.add(digest);
        changed = true;
      }
    }
  }
  const plan: Plan = { images: new Map(), tags: new Map() };
  for (const { id, image } of requested) {
    if (kept.has(image.digest)) failures.push(failure(id, 'ImageReferencedByManifestList'));
    else if (candidates.has(image.digest)) plan.images.set(image.digest, image);
    else plan.tags.set(id.imageTag as string, image);
  }
  return plan;
}

function deletedIds(image: ImageRecord): ImageIdentifier[] {
  if (image.tags.length === 0) return [{ imageDigest: image.digest }];
  return image.tags.map((imageTag) => ({ imageDigest: image.digest, imageTag }));
}

/**
 * Whether the repository holds images: DeleteRepository without `force` refuses to delete it then.
 * @throws EcrError `RepositoryNotEmptyException` when it does and `force` is not set.
 * @example
 * checkRepositoryDeletable(ctx, 'app', input.force ?? false); // then delete images and the repository
 */
export function checkRepositoryDeletable(ctx: ImageContext, repositoryName: string, force: boolean): void {
  if (!force && repositoryHasImages(ctx, repositoryName)) {
    throw repositoryNotEmpty(ctx.registryId, repositoryName);
  }
}

/** Whether the repository holds any image. */
export function repositoryHasImages(ctx: ImageContext, repositoryName: string): boolean {
  return ctx.store.hasImages(repositoryName);
}
