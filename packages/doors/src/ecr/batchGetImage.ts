/**
 * BatchGetImage on a pull-through cache: the images a request names are brought in from upstream at once, and
 * an image upstream could not give fails alone, with ECR's per-image failure code for the upstream's reason.
 * @module
 */

import {
  type BatchGetImageRequest,
  type BatchGetImageResponse,
  type EcrError,
  type ImageIdentifier,
  type UpstreamReason,
  upstreamReasonOf,
} from '@edgecr/protocol';
import { type PulledImages, type PullThroughSource, repositoryNotFound } from '@edgecr/registry';
import type { EcrContext } from './context.ts';

/** An id BatchGetImage asked for that could not be brought in from upstream, and why. */
interface UpstreamFailure {
  imageId: ImageIdentifier;
  reason: UpstreamReason;
  error: EcrError<string>;
}

/**
 * Brings in from upstream, under a pull-through cache rule, each image a BatchGetImage asks for that the
 * repository lacks (or whose tag is due for its check): all at once, since each is single-flighted and an
 * image's own blobs are bounded by the pull path.
 * @returns Whether anything was stored (the images are read again), and the ids upstream did not give.
 * @throws what the pull path throws other than an upstream's failure, once every id has settled.
 */
async function pulledThrough(
  input: BatchGetImageRequest,
  answer: BatchGetImageResponse | null,
  source: PullThroughSource,
  context: EcrContext,
): Promise<{ pulled: boolean; failures: UpstreamFailure[] }> {
  const ids = input.imageIds.filter((id) => (id.imageTag ?? id.imageDigest) !== undefined);
  const settled = await Promise.allSettled(
    ids.map((id) => {
      const held = answer?.images?.find(
        ({ imageId }) =>
          (id.imageTag !== undefined && imageId?.imageTag === id.imageTag) ||
          (id.imageDigest !== undefined && imageId?.imageDigest === id.imageDigest),
      );
      const digest = held?.imageId?.imageDigest ?? null;
      const reference = (id.imageTag ?? id.imageDigest) as string;
      const { repositoryName } = input;
      return context.pullThrough.manifest(repositoryName, reference, digest, source, context.revalidate);
    }),
  );
  const failures: UpstreamFailure[] = [];
  let pulled = false;
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === 'fulfilled') {
      pulled ||= outcome.value;
      continue;
    }
    const reason = upstreamReasonOf(outcome.reason);
    if (reason === undefined) throw outcome.reason;
    failures.push({ imageId: ids[index] as ImageIdentifier, reason, error: outcome.reason });
  }
  return { pulled, failures };
}

/**
 * BatchGetImage's answer with each id upstream did not give failed with the upstream's reason (ECR's
 * `UpstreamUnavailable`, `UpstreamTooManyRequests`, `UpstreamAccessDenied` failure codes) instead of
 * `ImageNotFound`. With no image to answer at all, the upstream's error is the answer (a pull of one image
 * gets `UnableToGetUpstreamImageException`, as ECR answers it).
 * @throws EcrError the first upstream failure when nothing else is answered.
 */
function withUpstreamFailures(answer: PulledImages, failures: UpstreamFailure[]): BatchGetImageResponse {
  const { policyText: _policyText, ...pulled } = answer;
  const [first] = failures;
  if (!first) return pulled;
  if ((pulled.images ?? []).length === 0) throw first.error;
  const same = (a: ImageIdentifier | undefined, b: ImageIdentifier) =>
    a?.imageTag === b.imageTag && a?.imageDigest === b.imageDigest;
  const failed = (pulled.failures ?? []).map((failure) => {
    const upstream = failures.find(({ imageId }) => same(failure.imageId, imageId));
    return upstream
      ? { ...failure, failureCode: upstream.reason, failureReason: upstream.error.message }
      : failure;
  });
  return { ...pulled, failures: failed };
}

/**
 * BatchGetImage through the repository's pull-through cache rule, if one covers it: what the repository lacks
 * (or holds under a tag due for its check) is brought in from upstream first, then read again.
 * @throws EcrError `RepositoryNotFoundException`; an upstream's `UnableToGetUpstreamImageException` when no
 * image can be answered (see withUpstreamFailures); `AccessDeniedException` for a policy's Deny.
 */
export async function batchGetImage(
  input: BatchGetImageRequest,
  context: EcrContext,
): Promise<BatchGetImageResponse> {
  const { catalog, registryId } = context.registry;
  const { answer, source } = await catalog.pullImage(input);
  // A Deny in the repository's policy refuses before anything is brought in from upstream.
  context.admit('BatchGetImage', input.repositoryName, answer?.policyText);
  const { pulled, failures } = source
    ? await pulledThrough(input, answer, source, context)
    : { pulled: false, failures: [] };
  if (pulled) {
    const again = await catalog.pullImage(input);
    if (again.answer) {
      context.admit('BatchGetImage', input.repositoryName, again.answer.policyText);
      return withUpstreamFailures(again.answer, failures);
    }
  }
  // A repository no pull created: upstream's reason, if it gave one.
  if (!answer) throw failures[0]?.error ?? repositoryNotFound(registryId, input.repositoryName);
  return withUpstreamFailures(answer, failures);
}
