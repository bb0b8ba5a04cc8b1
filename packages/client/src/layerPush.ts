/**
 * One layer's push: a state machine that streams a {@link LayerSource} through `@edgecr/chunker`, sends each
 * part with retries, saves its progress after every part, and goes on where the endpoint says it stopped.
 * No UI: a page, a Node program or a test drives it and reads its {@link LayerSnapshot}s. Its pieces:
 * {@link PushStatus} (status and snapshots), {@link PushProgress} (where it stands, saved for resume),
 * {@link PushRequests} (calls with retries), {@link sendParts} (the parts themselves) and {@link PushOutcome}
 * (pre-check, completion, download URL).
 * @module
 */
import {
  LAYER_PART_SIZE,
  MAX_LAYER_BYTES,
  MAX_LAYER_PART_BYTES,
  MAX_LAYER_PARTS,
  MIN_LAYER_PART_BYTES,
} from '@edgecr/protocol';
import { ALWAYS_ONLINE, type Connectivity } from './connectivity.ts';
import type { LayerApi } from './ecrClient.ts';
import { describeFailure, isEcrError, LayerSourceError } from './errors.ts';
import type { LayerSnapshot } from './layerSnapshot.ts';
import type { LayerSource } from './layerSource.ts';
import { type PushContext, sendParts } from './partSender.ts';
import { PushOutcome } from './pushOutcome.ts';
import { PushProgress } from './pushProgress.ts';
import { PushRequests } from './pushRequests.ts';
import { PushStatus } from './pushStatus.ts';
import { DEFAULT_RETRY_POLICY, sleep as defaultSleep, type RetryPolicy } from './retryPolicy.ts';
import { MemoryStateStore, recordKey, type StateStore } from './stateStore.ts';

/** What a {@link LayerPush} needs. */
export interface LayerPushOptions {
  source: LayerSource;
  repositoryName: string;
  api: LayerApi;
  /** Endpoint and registry the uploads are saved under (with the repository and file) for resume. */
  scope: { endpoint: string; registryId: string };
  /** Where progress is saved after each part; in memory by default (no resume across restarts). */
  store?: StateStore;
  /** Hash the file first and ask BatchCheckLayerAvailability, so a layer already there sends no byte. */
  precheck?: boolean;
  /**
   * Ask GetDownloadUrlForLayer once the layer is there, for the result's `downloadUrl` (the page's layer
   * list links each uploaded file to it); on by default. An image push shows no link per blob and turns it
   * off: one call fewer per blob.
   */
  downloadUrl?: boolean;
  retryPolicy?: RetryPolicy;
  connectivity?: Connectivity;
  /** Injectable clock, sleep and randomness for tests. */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  id?: string;
}

/** Abort reasons of pause and cancel: expected, not failures. */
class Stop extends Error {
  override readonly name = 'Stop';
}

/** Times an upload starts over (new upload id) in one run before it gives up. */
const MAX_RESTARTS = 2;

let nextId = 0;

/**
 * The part size to use: the announced one, raised if the layer would need more than MAX_LAYER_PARTS parts,
 * within ECR's bounds.
 * @example
 * choosePartSize(10 * MiB, 100 * MiB); // 10 MiB, as announced
 * choosePartSize(10 * MiB, 50_000 * MiB); // 12,483,048: a 50,000 MiB layer in 4,200 parts
 */
export function choosePartSize(announced: number | undefined, size: number): number {
  const base = Number.isSafeInteger(announced) ? (announced as number) : LAYER_PART_SIZE;
  const needed = Math.ceil(size / MAX_LAYER_PARTS);
  return Math.min(MAX_LAYER_PART_BYTES, Math.max(MIN_LAYER_PART_BYTES, base, needed));
}

/**
 * Pushes one layer to an ECR endpoint. Call {@link LayerPush.start}; then {@link LayerPush.pause},
 * {@link LayerPush.resume} and {@link LayerPush.cancel} at any time; {@link LayerPush.subscribe} to its
 * snapshots. (Named apart from the Worker's `LayerUpload` Durable Object, the other end of the same upload.)
 *
 * Each run streams `source` from the acknowledged offset through `createLayerChunker`, reading and hashing
 * the next part while the current one is sent (memory: about two parts and one request body), and saves
 * `{ uploadId, offset, hashState, fingerprint }` after every acknowledged part. Failures are retried by the
 * {@link RetryPolicy}; `InvalidLayerPartException` moves the upload to `lastValidByteReceived + 1`; an upload
 * the endpoint forgot starts over. A new `LayerPush` for the same file, repository and endpoint continues
 * the saved upload without re-hashing the bytes before the saved offset.
 * @example
 * const push = new LayerPush({ source: blobSource(file), repositoryName: 'app', api: ecr, scope, store });
 * push.subscribe((s) => console.log(s.status, s.bytesUploaded));
 * const { result } = await push.start();
 */
export class LayerPush {
  readonly id: string;
  readonly #source: LayerSource;
  readonly #key: string;
  readonly #precheck: boolean;
  readonly #status: PushStatus;
  readonly #progress: PushProgress;
  readonly #requests: PushRequests;
  /** The pieces the parts of the work share. */
  readonly #context: PushContext;
  readonly #outcome: PushOutcome;

  #controller: AbortController | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(options: LayerPushOptions) {
    const { source, repositoryName, scope } = options;
    const now = options.now ?? (() => Date.now());
    this.id = options.id ?? `layer-${++nextId}`;
    this.#source = source;
    this.#key = recordKey({
      ...scope,
      repositoryName,
      name: source.name,
      size: source.size,
      lastModified: source.lastModified,
    });
    this.#precheck = options.precheck ?? false;
    this.#progress = new PushProgress({
      source,
      repositoryName,
      scope,
      store: options.store ?? new MemoryStateStore(),
      key: this.#key,
      now,
      onProgress: () => this.#status.progress(),
      onChange: () => this.#status.emit(),
    });
    this.#status = new PushStatus(
      { id: this.id, name: source.name, size: source.size, repositoryName },
      () => ({
        acknowledged: this.#progress.committed.offset,
        inflight: this.#progress.inflight,
        hashed: this.#outcome.bytesHashed,
        resumedFrom: this.#progress.resumedFrom,
        rehashedBytes: this.#progress.rehashedBytes,
        note: this.#progress.note,
      }),
      now,
    );
    this.#requests = new PushRequests({
      api: options.api,
      repositoryName,
      policy: options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      connectivity: options.connectivity ?? ALWAYS_ONLINE,
      status: this.#status,
      now,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
    });
    this.#context = { source, progress: this.#progress, requests: this.#requests, status: this.#status };
    this.#outcome = new PushOutcome(this.#context, options.downloadUrl ?? true);
  }

  /** The key under which this upload's progress is saved. */
  get recordKey(): string {
    return this.#key;
  }

  /** The current state. The same object until something changes. */
  get snapshot(): LayerSnapshot {
    return this.#status.snapshot;
  }

  /**
   * Calls `listener` with every new snapshot; returns the function that stops it.
   * @example
   * const stop = push.subscribe(render);
   */
  subscribe(listener: (snapshot: LayerSnapshot) => void): () => void {
    return this.#status.subscribe(listener);
  }

  /**
   * Starts (or, after `pause` or a failure, continues) the upload. Resolves when this run stops: done,
   * failed, paused or cancelled. Never rejects: a failure is the `failed` status and its `error`.
   */
  start(): Promise<LayerSnapshot> {
    const status = this.#status;
    if (status.active || status.status === 'done' || status.status === 'cancelled') {
      return this.#running.then(() => this.snapshot);
    }
    const controller = new AbortController();
    this.#controller = controller;
    status.error = undefined;
    status.resetSpeed();
    const previous = this.#running;
    status.set('checking');
    this.#running = previous.then(() => this.#run(controller.signal));
    return this.#running.then(() => this.snapshot);
  }

  /** Marks a paused or failed upload as waiting for its turn, for a queue to {@link LayerPush.start}. */
  requeue(): void {
    const { status } = this.#status;
    if (status === 'paused' || status === 'failed') this.#status.set('queued');
  }

  /** Same as {@link LayerPush.start}: continues a paused or failed upload. */
  resume(): Promise<LayerSnapshot> {
    return this.start();
  }

  /**
   * Stops sending; the acknowledged parts stay, and `resume` goes on from them. The part in flight is
   * abandoned (the endpoint accepts it again if it had received it).
   */
  pause(): void {
    if (!this.#status.active && this.#status.status !== 'queued') return;
    this.#controller?.abort(new Stop('paused'));
    // The part in flight is abandoned: what shows is what the endpoint acknowledged.
    this.#progress.inflight = 0;
    this.#status.set('paused');
  }

  /**
   * Stops for good and forgets the saved progress (the endpoint drops the upload's bytes when it expires:
   * ECR has no call to abort an upload).
   */
  async cancel(): Promise<void> {
    if (this.#status.status === 'done' || this.#status.status === 'cancelled') return;
    this.#controller?.abort(new Stop('cancelled'));
    this.#progress.inflight = 0;
    this.#status.set('cancelled');
    await this.#running;
    await this.#progress.forget();
  }

  /** Resolves once the upload is done, failed or cancelled (not merely paused). */
  settled(): Promise<LayerSnapshot> {
    return this.#status.whenSettled();
  }

  async #run(signal: AbortSignal): Promise<void> {
    try {
      const { size } = this.#source;
      if (size === 0)
        throw new LayerSourceError('The file is empty: a layer needs at least one byte', 'EmptyFile');
      if (size > MAX_LAYER_BYTES) {
        throw new LayerSourceError(
          `The file is ${size} bytes; a layer is at most ${MAX_LAYER_BYTES}`,
          'TooLarge',
        );
      }
      const { completed } = this.#outcome;
      if (completed) {
        await this.#outcome.finish(completed, signal);
        return;
      }
      if (this.#precheck && !this.#outcome.prechecked && (await this.#outcome.alreadyPresent(signal))) return;
      for (let restarts = 0; ; restarts++) {
        try {
          if (!this.#progress.upload) await this.#open(signal);
          this.#status.enter('uploading', signal);
          await sendParts(this.#context, signal);
          await this.#outcome.complete(signal);
          return;
        } catch (error) {
          if (signal.aborted || restarts >= MAX_RESTARTS) throw error;
          const why = isEcrError(error, 'UploadNotFoundException')
            ? 'the endpoint no longer had the upload'
            : (isEcrError(error, 'InvalidLayerException') || isFileChanged(error)) && this.#progress.adopted
              ? 'the bytes the endpoint held did not match the file'
              : undefined;
          if (!why) throw error;
          this.#outcome.startOver();
          await this.#progress.startOver(`Started again from the beginning: ${why}.`);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      this.#progress.inflight = 0;
      this.#status.error = describeFailure(error);
      this.#status.set('failed');
    }
  }

  /** Continues the saved upload for this file when there is one that fits, or initiates a new one. */
  async #open(signal: AbortSignal): Promise<void> {
    this.#status.enter('checking', signal);
    if (await this.#progress.resumeSaved(signal)) return;
    const requests = this.#requests;
    const started = await requests.withRetry(
      (options) => requests.api.initiateLayerUpload({ repositoryName: requests.repositoryName }, options),
      signal,
    );
    if (typeof started.uploadId !== 'string' || started.uploadId === '') {
      throw new Error('InitiateLayerUpload answered without an upload id');
    }
    this.#progress.begin({
      uploadId: started.uploadId,
      partSize: choosePartSize(started.partSize, this.#source.size),
    });
  }
}

function isFileChanged(error: unknown): boolean {
  return error instanceof LayerSourceError && error.code === 'FileChanged';
}
