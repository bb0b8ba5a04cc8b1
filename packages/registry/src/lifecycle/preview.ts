/**
 * GetLifecyclePolicyPreview's answer from a stored preview: its results filtered and paged, with ECR's summary.
 * @module
 */

import type { GetLifecyclePolicyPreviewRequest, GetLifecyclePolicyPreviewResponse } from '@edgecr/protocol';
import { decodePageToken, encodePageToken } from '../catalog/pageToken.ts';
import { invalidNextToken } from '../errors.ts';
import type { LifecycleVerdict } from './evaluate.ts';
import type { LifecyclePreview, PreviewEntry } from './records.ts';

/** A preview page holds this many results when the request names no `maxResults` (ECR's default). */
export const DEFAULT_PREVIEW_PAGE = 100;

/** The stored form of the engine's verdicts. */
export function previewEntries(verdicts: LifecycleVerdict[]): PreviewEntry[] {
  return verdicts.map(({ image, rulePriority }) => ({
    imageDigest: image.digest,
    imageTags: image.tags,
    imagePushedAt: image.pushedAt,
    appliedRulePriority: rulePriority,
  }));
}

/** Whether an entry passes the request's `filter` and `imageIds`. */
function wanted(entry: PreviewEntry, input: GetLifecyclePolicyPreviewRequest): boolean {
  const status = input.filter?.tagStatus ?? 'ANY';
  if (status === 'TAGGED' && entry.imageTags.length === 0) return false;
  if (status === 'UNTAGGED' && entry.imageTags.length > 0) return false;
  if (input.imageIds === undefined) return true;
  return input.imageIds.some(
    (id) =>
      (id.imageDigest === undefined || id.imageDigest === entry.imageDigest) &&
      (id.imageTag === undefined || entry.imageTags.includes(id.imageTag)),
  );
}

/**
 * The answer for a stored preview: IN_PROGRESS with no results yet, or COMPLETE with a page of the results
 * the request asks for (oldest push first) and the summary of all of them.
 * @example
 * previewPage(record.preview, { repositoryName: 'app', maxResults: 10 });
 */
export function previewPage(
  preview: LifecyclePreview,
  input: GetLifecyclePolicyPreviewRequest,
): Omit<GetLifecyclePolicyPreviewResponse, 'registryId' | 'repositoryName'> {
  const head = { lifecyclePolicyText: preview.policyText, status: preview.status };
  if (preview.status === 'IN_PROGRESS') return head;
  const matching = preview.results.filter((entry) => wanted(entry, input));
  let start = 0;
  if (input.nextToken !== undefined) {
    const { after } = decodePageToken(input.nextToken);
    start = matching.findIndex((entry) => entry.imageDigest === after) + 1;
    if (start === 0) throw invalidNextToken();
  }
  const limit = input.maxResults ?? DEFAULT_PREVIEW_PAGE;
  const page = matching.slice(start, start + limit);
  const last = page.at(-1);
  return {
    ...head,
    previewResults: page.map((entry) => ({
      imageTags: entry.imageTags,
      imageDigest: entry.imageDigest,
      imagePushedAt: entry.imagePushedAt,
      action: { type: 'EXPIRE' },
      appliedRulePriority: entry.appliedRulePriority,
    })),
    summary: { expiringImageTotalCount: preview.results.length },
    ...(start + limit < matching.length &&
      last && { nextToken: encodePageToken({ after: last.imageDigest }) }),
  };
}
