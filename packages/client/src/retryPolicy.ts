/**
 * When to try a request again, as data: the delays, the jitter and the statuses worth another try. Which ECR
 * error codes are worth one is `@edgecr/protocol`'s error table's to say (its `retry` column).
 * @module
 */
import { EcrError, errorSpec } from '@edgecr/protocol';
import { NetworkError, RequestTimeoutError } from './errors.ts';

/** Why a failure is worth another try. */
export type RetryReason = 'network' | 'timeout' | 'server' | 'throttled';

/**
 * The retry policy, as plain data so that it can be shown, tested and changed without touching code.
 * @example
 * const patient: RetryPolicy = { ...DEFAULT_RETRY_POLICY, delaysMs: [0, 1000, 3000, 5000, 10_000, 30_000] };
 */
export interface RetryPolicy {
  /**
   * The wait before each retry: the n-th retry waits `delaysMs[n - 1]`, and there are `delaysMs.length`
   * retries at most. The count starts again after every request that succeeds, so a long upload survives
   * any number of separate outages.
   */
  readonly delaysMs: readonly number[];
  /**
   * Up to this fraction of each delay is added at random, so that clients cut off together do not all come
   * back in the same millisecond.
   */
  readonly jitter: number;
  /**
   * HTTP statuses retried whatever the error code; every 5xx is retried besides, and so is every code the
   * protocol's error table marks retryable (ECR sends `ThrottlingException` as a 400).
   */
  readonly retryStatuses: readonly number[];
  /** A request with no answer after this long is abandoned and counts as a network failure. */
  readonly requestTimeoutMs: number;
}

/**
 * tus's delays (0, 1, 3, 5 s) and two longer ones, so that an outage of up to ~40 s costs nothing but time;
 * waiting for the browser to come back online does not use up retries at all.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  delaysMs: Object.freeze([0, 1_000, 3_000, 5_000, 10_000, 20_000]),
  jitter: 0.2,
  retryStatuses: Object.freeze([408, 429]),
  requestTimeoutMs: 120_000,
});

/**
 * Whether `error` is worth another try under `policy`, and why; `null` for a failure that will not change
 * by trying again (any other 4xx: bad credentials, a missing repository, a refused part).
 * @example
 * retryReason(new NetworkError('offline'), DEFAULT_RETRY_POLICY); // 'network'
 * retryReason(new EcrError('RepositoryNotFoundException', '…'), DEFAULT_RETRY_POLICY); // null
 */
export function retryReason(error: unknown, policy: RetryPolicy): RetryReason | null {
  if (error instanceof NetworkError) return 'network';
  if (error instanceof RequestTimeoutError) return 'timeout';
  if (!(error instanceof EcrError)) return null;
  const retry = errorSpec(error.code)?.retry ?? false;
  if (error.status === 429 || retry === 'throttling') return 'throttled';
  if (error.status >= 500 || retry === 'transient') return 'server';
  if (policy.retryStatuses.includes(error.status)) return error.status === 408 ? 'timeout' : 'server';
  return null;
}

/** What to do after a failure. */
export type RetryDecision =
  | { retry: true; delayMs: number; reason: RetryReason }
  | { retry: false; reason: RetryReason | null };

/**
 * Decides whether to try again after `retriesSoFar` retries failed (0 after the first attempt), and how long
 * to wait first.
 * @param random A number in [0, 1), for the jitter; injectable so tests are exact.
 * @example
 * retryDecision(new NetworkError('reset'), 1, DEFAULT_RETRY_POLICY, () => 0);
 * // { retry: true, delayMs: 1000, reason: 'network' }
 */
export function retryDecision(
  error: unknown,
  retriesSoFar: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const reason = retryReason(error, policy);
  const base = policy.delaysMs[retriesSoFar];
  if (reason === null || base === undefined) return { retry: false, reason };
  return { retry: true, delayMs: Math.round(base + base * policy.jitter * random()), reason };
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 * @example
 * await sleep(1000, controller.signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
