/**
 * `edgecr rm <repository>:<tag> | <repository>@<digest>`: BatchDeleteImage of one image id, with ECR's meaning:
 * a tag removes the tag (and the image with its last tag), a digest removes the image and all its tags.
 * @module
 */
import type { EcrClient } from '@edgecr/client';
import type { ImageFailure, ImageIdentifier } from '@edgecr/protocol';
import { CliFailure } from './exitCodes.ts';
import { callOptions, repositoryMissing } from './list.ts';
import { parseImageReference } from './target.ts';

/**
 * Deletes what `reference` names; resolves with the line to print (what went, tags included).
 * @throws CliFailure in words when the repository or the image is not there, or the registry keeps it.
 * @example
 * process.stdout.write(await removeImage(api, 'team/app:1.0', signal)); // 'deleted team/app:1.0 (sha256:…)\n'
 */
export async function removeImage(api: EcrClient, reference: string, signal: AbortSignal): Promise<string> {
  const target = parseImageReference(reference);
  const { repositoryName } = target;
  const imageId: ImageIdentifier =
    target.imageTag !== undefined ? { imageTag: target.imageTag } : { imageDigest: target.imageDigest };
  const answer = await api
    .batchDeleteImage({ repositoryName, imageIds: [imageId] }, callOptions(signal))
    .catch((error) => {
      throw repositoryMissing(error, repositoryName, api.endpoint) ?? error;
    });
  const [failure] = answer.failures ?? [];
  if (failure) throw refusal(failure, reference, repositoryName);
  const deleted = answer.imageIds ?? [];
  if (target.imageTag !== undefined) {
    const digest = deleted[0]?.imageDigest;
    return `deleted ${reference}${digest ? ` (${digest})` : ''}\n`;
  }
  const tags = deleted.flatMap((id) => (id.imageTag === undefined ? [] : [id.imageTag]));
  return `deleted ${reference}${tags.length > 0 ? ` and its ${tags.length === 1 ? 'tag' : 'tags'} ${tags.join(', ')}` : ''}\n`;
}

/** One BatchDeleteImage failure in words, ECR's code and reason kept for the detail line. */
function refusal(failure: ImageFailure, reference: string, repositoryName: string): CliFailure {
  const { imageTag, imageDigest } = failure.imageId ?? {};
  const detail = `${failure.failureCode ?? 'ImageFailure'}: ${failure.failureReason ?? ''}`;
  const words = (() => {
    switch (failure.failureCode) {
      case 'ImageNotFound':
        return imageDigest !== undefined
          ? `${repositoryName} holds no image ${imageDigest}`
          : `${repositoryName} has no image tagged ${JSON.stringify(imageTag)}`;
      case 'ImageReferencedByManifestList':
        return `${reference} is one of the images an index in ${repositoryName} lists: delete the index first`;
      case 'InvalidImageDigest':
        return `${JSON.stringify(imageDigest)} is not an image digest (algorithm:hex, as sha256:…)`;
      case 'InvalidImageTag':
        return `${JSON.stringify(imageTag)} is not a valid tag`;
      default:
        return `The registry did not delete ${reference}`;
    }
  })();
  const hint =
    failure.failureCode === 'ImageNotFound' ? `: \`edgecr ls ${repositoryName}\` lists its images` : '';
  return new CliFailure(`${words}${hint}. Nothing was deleted.`, { detail });
}
