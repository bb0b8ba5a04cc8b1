/**
 * The reason a pull-through cache's upstream failure gives, read back from its error: the OCI door maps it
 * to a status, BatchGetImage to a per-image failure code.
 * @module
 */

import { EcrError } from './errors.ts';
import type { ImageFailureCode } from './types.ts';

/** Why an upstream did not give what a pull asked for, in ECR's words (ImageFailureCode's `Upstream…`). */
export type UpstreamReason = Extract<ImageFailureCode, `Upstream${string}`>;

const REASONS: readonly string[] = [
  'UpstreamUnavailable',
  'UpstreamTooManyRequests',
  'UpstreamAccessDenied',
] satisfies UpstreamReason[];

/**
 * The reason an `UnableToGetUpstreamImageException` or `…LayerException` gives: its message leads with it
 * (`UpstreamTooManyRequests: …`); one that names none is `UpstreamUnavailable`.
 * @returns undefined for any other error.
 * @example
 * upstreamReasonOf(new EcrError('UnableToGetUpstreamImageException', 'UpstreamAccessDenied: 401')); // 'UpstreamAccessDenied'
 */
export function upstreamReasonOf(error: unknown): UpstreamReason | undefined {
  if (
    !(error instanceof EcrError) ||
    (error.code !== 'UnableToGetUpstreamImageException' && error.code !== 'UnableToGetUpstreamLayerException')
  ) {
    return undefined;
  }
  const named = error.message.split(':', 1)[0] ?? '';
  return REASONS.includes(named) ? (named as UpstreamReason) : 'UpstreamUnavailable';
}
