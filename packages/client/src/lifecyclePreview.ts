/**
 * A lifecycle policy's preview from start to end: StartLifecyclePolicyPreview, GetLifecyclePolicyPreview asked
 * again until the preview is no longer `IN_PROGRESS`, then every page of what would expire. The page and the CLI
 * both show a preview this way.
 * @module
 */
import type {
  GetLifecyclePolicyPreviewResponse,
  LifecyclePolicyPreviewResult,
  LifecyclePolicyPreviewStatus,
} from '@edgecr/protocol';
import type { CallOptions, EcrClient } from './ecrClient.ts';
import { sleep } from './retryPolicy.ts';

/** GetLifecyclePolicyPreview's largest page (ECR's `maxResults` limit). */
const PAGE = 100;

/** A finished preview: its status, the images that would expire (oldest push first, as ECR lists them), the count. */
export interface LifecyclePreview {
  /** `COMPLETE`, or `EXPIRED` / `FAILED` where an endpoint (Amazon ECR) gives up on a preview. */
  readonly status: LifecyclePolicyPreviewStatus;
  /** The policy text the preview evaluated. */
  readonly lifecyclePolicyText: string;
  readonly results: readonly LifecyclePolicyPreviewResult[];
  /** ECR's `summary.expiringImageTotalCount`: every image that would expire, over all pages. */
  readonly expiringImageTotalCount: number;
}

/** Options of {@link previewLifecyclePolicy}. */
export interface LifecyclePreviewOptions extends CallOptions {
  /** A policy text to preview instead of the repository's stored policy. */
  lifecyclePolicyText?: string;
  /** How long to wait between two GetLifecyclePolicyPreview calls while the preview is in progress. */
  pollMs?: number;
  /** Called with each status the endpoint answers while waiting (`IN_PROGRESS`, …). */
  onStatus?: (status: LifecyclePolicyPreviewStatus) => void;
}

/**
 * Starts a preview of the repository's lifecycle policy (or of the text given), waits for it and reads all of
 * it. Errors are the endpoint's `EcrError`s (`LifecyclePolicyNotFoundException` when there is no policy and no
 * text, `LifecyclePolicyPreviewInProgressException`, `InvalidParameterException` for a text ECR refuses,
 * `AccessDeniedException` for a key that may not start one); `options.signal` stops the waiting.
 * @example
 * const preview = await previewLifecyclePolicy(ecr, 'team/app');
 * console.log(`${preview.expiringImageTotalCount} images would expire`);
 */
export async function previewLifecyclePolicy(
  client: EcrClient,
  repositoryName: string,
  options: LifecyclePreviewOptions = {},
): Promise<LifecyclePreview> {
  const { lifecyclePolicyText, pollMs = 1000, onStatus, ...call } = options;
  const started = await client.send(
    'StartLifecyclePolicyPreview',
    { repositoryName, ...(lifecyclePolicyText !== undefined && { lifecyclePolicyText }) },
    call,
  );
  onStatus?.(started.status ?? 'IN_PROGRESS');
  let page: GetLifecyclePolicyPreviewResponse;
  for (;;) {
    page = await client.send('GetLifecyclePolicyPreview', { repositoryName, maxResults: PAGE }, call);
    if (page.status !== 'IN_PROGRESS') break;
    onStatus?.(page.status);
    await sleep(pollMs, call.signal);
  }
  const results = [...(page.previewResults ?? [])];
  const first = page;
  while (page.nextToken) {
    page = await client.send(
      'GetLifecyclePolicyPreview',
      { repositoryName, maxResults: PAGE, nextToken: page.nextToken },
      call,
    );
    results.push(...(page.previewResults ?? []));
  }
  return {
    status: first.status ?? 'COMPLETE',
    lifecyclePolicyText: first.lifecyclePolicyText ?? '',
    results,
    expiringImageTotalCount: first.summary?.expiringImageTotalCount ?? results.length,
  };
}
