/**
 * What a layer upload shows the world: its status and an immutable snapshot of its progress and outcome.
 * @module
 */
import type { UploadFailure } from './errors.ts';

/**
 * Where a layer upload stands.
 * - `queued`: waiting for its turn (or for `start`).
 * - `hashing`: reading the file once to learn its digest, for the "skip what is there" check.
 * - `checking`: asking the endpoint whether it has the layer already, or whether a saved upload fits the file.
 * - `uploading`, `completing`: sending parts; CompleteLayerUpload.
 * - `retrying`: waiting before trying a failed request again; `offline`: waiting for the network.
 * - `paused`, `done`, `failed`, `cancelled`: at rest. `paused` and `failed` can go on with `resume`.
 */
export type LayerStatus =
  | 'queued'
  | 'hashing'
  | 'checking'
  | 'uploading'
  | 'completing'
  | 'retrying'
  | 'offline'
  | 'paused'
  | 'done'
  | 'failed'
  | 'cancelled';

/** Statuses in which the upload is doing something (and holds a place in an upload queue). */
export const ACTIVE_STATUSES: ReadonlySet<LayerStatus> = new Set([
  'hashing',
  'checking',
  'uploading',
  'completing',
  'retrying',
  'offline',
]);

/** How a finished layer ended. */
export interface LayerResult {
  /** `already-present`: the repository held the layer already (found by the pre-check or at completion). */
  outcome: 'uploaded' | 'already-present';
  /** `sha256:` and 64 hex digits. */
  digest: string;
  size: number;
  /** GetDownloadUrlForLayer's answer, when the push asked for one and the endpoint gave it. */
  downloadUrl?: string;
  /** Why there is no download URL, when asking for one failed. */
  downloadUrlError?: UploadFailure;
}

/** Everything a UI shows about one layer, as an immutable value. */
export interface LayerSnapshot {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly repositoryName: string;
  readonly status: LayerStatus;
  /** Bytes the endpoint acknowledged plus those of the part in flight already sent. */
  readonly bytesUploaded: number;
  /** Bytes the endpoint acknowledged: where the upload goes on after a pause, a failure or a reload. */
  readonly bytesAcknowledged: number;
  /** Bytes read to compute the digest before uploading (`hashing`). */
  readonly bytesHashed: number;
  /** Speed over the last seconds, of uploading (or hashing, while `hashing`). */
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | undefined;
  /** The offset this upload went on from when it continued one saved by an earlier page or run. */
  readonly resumedFrom: number | undefined;
  /** Bytes read again only to rebuild the hash state (0 when the saved state matched). */
  readonly rehashedBytes: number;
  /** While `retrying`: what failed, the retry's number, and when it will be tried (ms since the epoch). */
  readonly retry: { failure: UploadFailure; attempt: number; at: number } | undefined;
  readonly result: LayerResult | undefined;
  /** While `failed`: why. */
  readonly error: UploadFailure | undefined;
  /** A remark for people: where an upload resumed, or why it started over. */
  readonly note: string | undefined;
}
