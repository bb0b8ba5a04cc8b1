/**
 * The ECR calls of a {@link LayerPush}, each tried again as the retry policy says, waiting out offline spells.
 * @module
 */
import type { Connectivity } from './connectivity.ts';
import type { CallOptions, LayerApi } from './ecrClient.ts';
import { describeFailure } from './errors.ts';
import type { PushStatus } from './pushStatus.ts';
import { type RetryPolicy, retryDecision } from './retryPolicy.ts';

/** What {@link PushRequests} needs. */
export interface PushRequestsOptions {
  api: LayerApi;
  repositoryName: string;
  policy: RetryPolicy;
  connectivity: Connectivity;
  /** The push's status, which shows `retrying` and `offline` while the calls wait. */
  status: PushStatus;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
}

/** Makes one push's calls: with retries, with the policy's timeout, and showing what it waits for. */
export class PushRequests {
  readonly api: LayerApi;
  readonly repositoryName: string;
  readonly #options: PushRequestsOptions;

  constructor(options: PushRequestsOptions) {
    this.api = options.api;
    this.repositoryName = options.repositoryName;
    this.#options = options;
  }

  /**
   * Runs `request` until it succeeds, a failure the policy does not retry, or the retries run out. While the
   * runtime says it is offline it waits for the network instead, without spending retries.
   */
  async withRetry<T>(
    request: (options: Required<CallOptions>) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const { connectivity, status, policy } = this.#options;
    const options = { signal, timeoutMs: policy.requestTimeoutMs };
    for (let retries = 0; ; ) {
      if (!connectivity.isOnline()) {
        status.enter('offline', signal);
        await connectivity.waitUntilOnline(signal);
        status.enter(status.activity, signal);
      }
      try {
        const value = await request(options);
        if (status.status === 'retrying') status.enter(status.activity, signal);
        return value;
      } catch (error) {
        signal.throwIfAborted();
        const decision = retryDecision(error, retries, policy, this.#options.random);
        if (!decision.retry) throw error;
        if (decision.reason === 'network' && !connectivity.isOnline()) continue;
        retries++;
        status.retry = {
          failure: describeFailure(error),
          attempt: retries,
          at: this.#options.now() + decision.delayMs,
        };
        status.enter('retrying', signal);
        status.emit();
        await this.#options.sleep(decision.delayMs, signal);
      }
    }
  }

  /** Whether the repository holds the layer `digest` (BatchCheckLayerAvailability). */
  async isAvailable(digest: string, signal: AbortSignal): Promise<boolean> {
    const answer = await this.withRetry(
      (options) =>
        this.api.batchCheckLayerAvailability(
          { repositoryName: this.repositoryName, layerDigests: [digest] },
          options,
        ),
      signal,
    );
    return (
      answer.layers?.some(
        (layer) => layer.layerDigest === digest && layer.layerAvailability === 'AVAILABLE',
      ) ?? false
    );
  }
}
