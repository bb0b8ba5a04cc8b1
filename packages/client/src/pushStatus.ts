/**
 * What a {@link LayerPush} shows: its status, the listeners told of every change, and the snapshot they get.
 * @module
 */
import type { UploadFailure } from './errors.ts';
import { ACTIVE_STATUSES, type LayerResult, type LayerSnapshot, type LayerStatus } from './layerSnapshot.ts';
import { RateMeter } from './progress.ts';

/** What the snapshot says of the bytes, read from the push's progress each time a snapshot is made. */
export interface ProgressView {
  /** Bytes the endpoint acknowledged. */
  acknowledged: number;
  /** Bytes of the part in flight already sent. */
  inflight: number;
  /** Bytes read by the pre-check's hash. */
  hashed: number;
  resumedFrom: number | undefined;
  rehashedBytes: number;
  note: string | undefined;
}

/** The layer a push is for, as the snapshot names it. */
export interface PushIdentity {
  id: string;
  name: string;
  size: number;
  repositoryName: string;
}

/**
 * The status of one push and its snapshots. `status` is what shows; `activity` is what the push is doing
 * underneath while it shows `retrying` or `offline`, to go back to once the request goes through.
 */
export class PushStatus {
  readonly #identity: PushIdentity;
  readonly #view: () => ProgressView;
  readonly #now: () => number;
  readonly #listeners = new Set<(snapshot: LayerSnapshot) => void>();
  readonly #meter = new RateMeter();
  #status: LayerStatus = 'queued';
  #activity: LayerStatus = 'queued';
  #settledWaiters: ((snapshot: LayerSnapshot) => void)[] = [];
  #snapshot: LayerSnapshot | undefined;

  /** While `retrying`: what failed, and when the next try is. */
  retry: LayerSnapshot['retry'];
  /** Once `done`: how the layer ended. */
  result: LayerResult | undefined;
  /** While `failed`: why. */
  error: UploadFailure | undefined;

  constructor(identity: PushIdentity, view: () => ProgressView, now: () => number) {
    this.#identity = identity;
    this.#view = view;
    this.#now = now;
  }

  get status(): LayerStatus {
    return this.#status;
  }

  /** What the push is doing while its status says it waits (`retrying`, `offline`). */
  get activity(): LayerStatus {
    return this.#activity;
  }

  /** Whether the push is doing something (and holds a place in a queue). */
  get active(): boolean {
    return ACTIVE_STATUSES.has(this.#status);
  }

  /** Whether the push is done, failed or cancelled. */
  get settled(): boolean {
    return this.#status === 'done' || this.#status === 'failed' || this.#status === 'cancelled';
  }

  /** The current state. The same object until something changes. */
  get snapshot(): LayerSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const { size } = this.#identity;
    const view = this.#view();
    const bytesUploaded = Math.min(size, view.acknowledged + view.inflight);
    const hashing = this.#status === 'hashing';
    const { bytesPerSecond, etaSeconds } = this.active
      ? this.#meter.rate(size)
      : { bytesPerSecond: 0, etaSeconds: undefined };
    this.#snapshot = Object.freeze({
      ...this.#identity,
      status: this.#status,
      bytesUploaded: this.result ? size : bytesUploaded,
      bytesAcknowledged: this.result ? size : view.acknowledged,
      bytesHashed: view.hashed,
      bytesPerSecond,
      etaSeconds: hashing ? undefined : etaSeconds,
      resumedFrom: view.resumedFrom,
      rehashedBytes: view.rehashedBytes,
      retry: this.#status === 'retrying' ? this.retry : undefined,
      result: this.result,
      error: this.#status === 'failed' ? this.error : undefined,
      note: view.note,
    });
    return this.#snapshot;
  }

  /** Calls `listener` with every new snapshot; returns the function that stops it. */
  subscribe(listener: (snapshot: LayerSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the snapshot once the push is done, failed or cancelled. */
  whenSettled(): Promise<LayerSnapshot> {
    if (this.settled) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  /** Moves to `status`, telling the listeners (and the waiters, when it settles the push). */
  set(status: LayerStatus): void {
    if (status !== 'retrying' && status !== 'offline') this.#activity = status;
    if (this.#status === status) return;
    this.#status = status;
    this.emit();
    if (this.settled) {
      const waiters = this.#settledWaiters;
      this.#settledWaiters = [];
      for (const resolve of waiters) resolve(this.snapshot);
    }
  }

  /** Sets the status unless pause or cancel came first. */
  enter(status: LayerStatus, signal: AbortSignal): void {
    signal.throwIfAborted();
    this.set(status);
  }

  /** Tells the listeners of a change. */
  emit(): void {
    this.#snapshot = undefined;
    const snapshot = this.snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  /** Bytes moved: samples the speed (of hashing while `hashing`, else of uploading) and tells the listeners. */
  progress(): void {
    const view = this.#view();
    this.#meter.sample(
      this.#now(),
      this.#status === 'hashing' ? view.hashed : view.acknowledged + view.inflight,
    );
    this.emit();
  }

  /** Forgets the speed measured so far (a pause, or hashing turning into uploading, is not slowness). */
  resetSpeed(): void {
    this.#meter.reset();
  }
}
