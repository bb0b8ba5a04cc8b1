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
import { failure, requireRepository, resolveImageId } from './imageIds.ts';
import { INDEX_TYPES } from './mediaTypes.ts';
import { repositoryNotEmpty } from './messages.ts';
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
  // Indexes first, so the references they hold are gone before their children go.
  const doomed = [...plan.images.values()].sort((a, b) => rank(a) - rank(b));
  for (const image of doomed) {
    imageIds.push(...deletedIds(image));
    store.deleteImage(repositoryName, image.digest);
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

function rank(image: ImageRecord): number {
  return INDEX_TYPES.includes(image.mediaType) ? 0 : 1;
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
