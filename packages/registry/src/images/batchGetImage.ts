/**
 * BatchGetImage: the stored manifests of up to 100 images.
 * @module
 */

import type { BatchGetImageRequest, BatchGetImageResponse, Image, ImageFailure } from '@edgecr/protocol';
import { unacceptedMediaType } from '../errors.ts';
import { convertManifest } from './convert.ts';
import { requireRepository, resolveImageId } from './imageIds.ts';
import type { ImageContext } from './store.ts';

/**
 * BatchGetImage's answer, with the repository's policy text when it has one: the door checks a Deny with it
 * (and takes it off before answering) rather than asking the catalog again.
 */
export type PulledImages = BatchGetImageResponse & { policyText?: string };

/**
 * BatchGetImage. Each id names an image by tag, digest or both; ids that do not get a failure entry with the
 * model's failure code. Without `acceptedMediaTypes` every stored manifest is returned as pushed.
 *
 * With `acceptedMediaTypes` that leave out the stored type, an image asked for by tag alone is converted
 * between Docker schema 2 and OCI when the other type is accepted, as ECR does; asked for by digest it is
 * never converted, since a digest names those exact bytes. A converted manifest is other bytes, so the answer
 * names their own digest in `imageId.imageDigest`: a client that checks the bytes against the digest it is
 * given (every OCI client does, and the registry door sends it as `Docker-Content-Digest`) must find them
 * equal. That digest is not an image of the repository; the stored image keeps its own. An image that cannot
 * be given in an accepted type fails with `ImageNotFound` (the model has no closer failure code) and a reason
 * naming its media type.
 *
 * It only reads: the pull of what it returns is recorded by `recordPulls` (recordPulls.ts), which the doors send after the
 * answer (and for answers they kept), so that a pull waits for no write.
 * @throws EcrError `RepositoryNotFoundException`.
 * @example
 * const { images } = batchGetImage(ctx, { repositoryName: 'app', imageIds: [{ imageTag: 'latest' }] });
 */
export function batchGetImage(ctx: ImageContext, input: BatchGetImageRequest): PulledImages {
  const { repositoryName, acceptedMediaTypes: accepted } = input;
  const { policyText } = requireRepository(ctx, repositoryName);
  const images: Image[] = [];
  const failures: ImageFailure[] = [];
  for (const imageId of input.imageIds) {
    const found = resolveImageId(ctx, repositoryName, imageId);
    if ('failure' in found) {
      failures.push(found.failure);
      continue;
    }
    const { digest, mediaType } = found.image;
    let manifest = { digest, mediaType, text: ctx.store.manifest(repositoryName, digest) };
    if (accepted !== undefined && !accepted.includes(mediaType)) {
      const converted =
        imageId.imageDigest === undefined
          ? accepted
              .map((target) => convertManifest(manifest.text, mediaType, target))
              .find((c) => c !== null)
          : undefined;
      if (!converted) {
        failures.push({
          imageId,
          failureCode: 'ImageNotFound',
          failureReason: unacceptedMediaType(mediaType),
        });
        continue;
      }
      manifest = converted;
    }
    images.push({
      registryId: ctx.registryId,
      repositoryName,
      imageId:
        imageId.imageTag === undefined
          ? { imageDigest: manifest.digest }
          : { imageDigest: manifest.digest, imageTag: imageId.imageTag },
      imageManifest: manifest.text,
      imageManifestMediaType: manifest.mediaType,
    });
  }
  return { images, failures, ...(policyText !== undefined && { policyText }) };
}
