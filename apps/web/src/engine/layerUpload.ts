/**
 * One layer's upload: a state machine that streams a {@link LayerSource} through `@edgecr/chunker`, sends each
 * part with retries, saves its progress after every part, and goes on where the endpoint says it stopped.
 * No UI: a page, a Node program or a test drives it and reads its {@link LayerSnapshot}s.
 * @module
 */
import { createLayerChunker, formatSha256Digest, type LayerPart, ResumableSha256 } from '@edgecr/chunker';
import {
  LAYER_PART_SIZE,
  MAX_LAYER_BYTES,
  MAX_LAYER_PART_BYTES,
  MAX_LAYER_PARTS,
  MIN_LAYER_PART_BYTES,
  MiB,
} from '@edgecr/protocol';
import { sha256Hex } from './_sha256Hex.ts';
import { ALWAYS_ONLINE, type Connectivity } from './connectivity.ts';
import type { LayerApi } from './ecrClient.ts';
import { describeFailure, isEcrError, LayerSourceError, type UploadFailure } from './errors.ts';
import { ACTIVE_STATUSES, type LayerResult, type LayerSnapshot, type LayerStatus } from './layerSnapshot.ts';
import { forEachChunk, type LayerSource, readRange } from './layerSource.ts';
import { RateMeter } from './progress.ts';
import { type Checkpoint, planResume, planResync, startCheckpoint } from './resume.ts';
import {
  DEFAULT_RETRY_POLICY,
  sleep as defaultSleep,
  type RetryPolicy,
  retryDecision,
} from './retryPolicy.ts';
import { type FileFingerprint, MemoryStateStore, recordKey, type StateStore } from './stateStore.ts';

/** What a {@link LayerUpload} needs. */
export interface LayerUploadOptions {
  source: LayerSource;
  repositoryName: string;
  api: LayerApi;
  /** Endpoint and registry the uploads are saved under (with the repository and file) for resume. */
  scope: { endpoint: string; registryId: string };
  /** Where progress is saved after each part; in memory by default (no resume across restarts). */
  store?: StateStore;
  /** Hash the file first and ask BatchCheckLayerAvailability, so a layer already there sends no byte. */
  precheck?: boolean;
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

/** Known hash states kept besides the start of the layer, to resync without reading from the start. */
const MAX_CHECKPOINTS = 8;
/** Times an upload starts over (new upload id) in one run before it gives up. */
const MAX_RESTARTS = 2;
/** Consecutive part refusals without progress before the upload gives up. */
const MAX_STALLS = 3;

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
 * Uploads one layer. Call {@link LayerUpload.start}; then {@link LayerUpload.pause}, {@link LayerUpload.resume}
 * and {@link LayerUpload.cancel} at any time; {@link LayerUpload.subscribe} to its snapshots.
 *
 * Each run streams `source` from the acknowledged offset through `createLayerChunker`, reading and hashing
 * the next part while the current one is sent (memory: about two parts and one request body), and saves
 * `{ uploadId, offset, hashState, fingerprint }` after every acknowledged part. Failures are retried by the
 * {@link RetryPolicy}; `InvalidLayerPartException` moves the upload to `lastValidByteReceived + 1`; an upload
 * the endpoint forgot starts over. A new `LayerUpload` for the same file, repository and endpoint continues
 * the saved upload without re-hashing the bytes before the saved offset.
 * @example
 * const upload = new LayerUpload({ source: blobSource(file), repositoryName: 'app', api: ecr, scope, store });
 * upload.subscribe((s) => console.log(s.status, s.bytesUploaded));
 * const { result } = await upload.start();
 */
export class LayerUpload {
  readonly id: string;
  readonly #source: LayerSource;
  readonly #repositoryName: string;
  readonly #api: LayerApi;
  readonly #store: StateStore;
  readonly #key: string;
  readonly #scope: { endpoint: string; registryId: string };
  readonly #precheck: boolean;
  readonly #policy: RetryPolicy;
  readonly #connectivity: Connectivity;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #listeners = new Set<(snapshot: LayerSnapshot) => void>();
  readonly #meter = new RateMeter();

  #status: LayerStatus = 'queued';
  /** What the run is doing while `#status` says it waits (`retrying`, `offline`). */
  #activity: LayerStatus = 'queued';
  #controller: AbortController | undefined;
  #running: Promise<void> = Promise.resolve();
  #settledWaiters: ((snapshot: LayerSnapshot) => void)[] = [];

  #upload: { uploadId: string; partSize: number } | undefined;
  #committed: Checkpoint = startCheckpoint();
  #checkpoints: Checkpoint[] = [];
  #fingerprint: FileFingerprint | undefined;
  #storeChecked = false;
  /** Bytes of the upload that this object did not send in order itself (resumed or resynced). */
  #adopted = false;
  #inflight = 0;
  #digest: string | undefined;
  #hasher: ResumableSha256 | undefined;
  #prechecked = false;
  /** Whether a CompleteLayerUpload was ever sent for the current upload id. */
  #completionSent = false;
  /** The upload is complete; only the download URL is missing (a pause came in between). */
  #completed: LayerResult | undefined;

  #resumedFrom: number | undefined;
  #rehashedBytes = 0;
  #retry: LayerSnapshot['retry'];
  #result: LayerResult | undefined;
  #error: UploadFailure | undefined;
  #note: string | undefined;
  #snapshot: LayerSnapshot | undefined;

  constructor(options: LayerUploadOptions) {
    this.id = options.id ?? `layer-${++nextId}`;
    this.#source = options.source;
    this.#repositoryName = options.repositoryName;
    this.#api = options.api;
    this.#store = options.store ?? new MemoryStateStore();
    this.#scope = options.scope;
    this.#key = recordKey({
      ...options.scope,
      repositoryName: options.repositoryName,
      name: options.source.name,
      size: options.source.size,
      lastModified: options.source.lastModified,
    });
    this.#precheck = options.precheck ?? false;
    this.#policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.#connectivity = options.connectivity ?? ALWAYS_ONLINE;
    this.#now = options.now ?? (() => Date.now());
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /** The key under which this upload's progress is saved. */
  get recordKey(): string {
    return this.#key;
  }

  /** The current state. The same object until something changes. */
  get snapshot(): LayerSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const bytesUploaded = Math.min(this.#source.size, this.#committed.offset + this.#inflight);
    const hashing = this.#status === 'hashing';
    const { bytesPerSecond, etaSeconds } = ACTIVE_STATUSES.has(this.#status)
      ? this.#meter.rate(this.#source.size)
      : { bytesPerSecond: 0, etaSeconds: undefined };
    this.#snapshot = Object.freeze({
      id: this.id,
      name: this.#source.name,
      size: this.#source.size,
      repositoryName: this.#repositoryName,
      status: this.#status,
      bytesUploaded: this.#result ? this.#source.size : bytesUploaded,
      bytesAcknowledged: this.#result ? this.#source.size : this.#committed.offset,
      bytesHashed: this.#hasher?.length ?? 0,
      bytesPerSecond,
      etaSeconds: hashing ? undefined : etaSeconds,
      resumedFrom: this.#resumedFrom,
      rehashedBytes: this.#rehashedBytes,
      retry: this.#status === 'retrying' ? this.#retry : undefined,
      result: this.#result,
      error: this.#status === 'failed' ? this.#error : undefined,
      note: this.#note,
    });
    return this.#snapshot;
  }

  /**
   * Calls `listener` with every new snapshot; returns the function that stops it.
   * @example
   * const stop = upload.subscribe(render);
   */
  subscribe(listener: (snapshot: LayerSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts (or, after `pause` or a failure, continues) the upload. Resolves when this run stops: done,
   * failed, paused or cancelled. Never rejects: a failure is the `failed` status and its `error`.
   */
  start(): Promise<LayerSnapshot> {
    if (ACTIVE_STATUSES.has(this.#status) || this.#status === 'done' || this.#status === 'cancelled') {
      return this.#running.then(() => this.snapshot);
    }
    const controller = new AbortController();
    this.#controller = controller;
    this.#error = undefined;
    this.#meter.reset();
    const previous = this.#running;
    this.#setStatus('checking');
    this.#running = previous.then(() => this.#run(controller.signal));
    return this.#running.then(() => this.snapshot);
  }

  /** Marks a paused or failed upload as waiting for its turn, for a queue to {@link LayerUpload.start}. */
  requeue(): void {
    if (this.#status === 'paused' || this.#status === 'failed') this.#setStatus('queued');
  }

  /** Same as {@link LayerUpload.start}: continues a paused or failed upload. */
  resume(): Promise<LayerSnapshot> {
    return this.start();
  }

  /**
   * Stops sending; the acknowledged parts stay, and `resume` goes on from them. The part in flight is
   * abandoned (the endpoint accepts it again if it had received it).
   */
  pause(): void {
    if (!ACTIVE_STATUSES.has(this.#status) && this.#status !== 'queued') return;
    this.#controller?.abort(new Stop('paused'));
    // The part in flight is abandoned: what shows is what the endpoint acknowledged.
    this.#inflight = 0;
    this.#setStatus('paused');
  }

  /**
   * Stops for good and forgets the saved progress (the endpoint drops the upload's bytes when it expires:
   * ECR has no call to abort an upload).
   */
  async cancel(): Promise<void> {
    if (this.#status === 'done' || this.#status === 'cancelled') return;
    this.#controller?.abort(new Stop('cancelled'));
    this.#inflight = 0;
    this.#setStatus('cancelled');
    await this.#running;
    await this.#store.delete(this.#key).catch(() => {});
  }

  /** Resolves once the upload is done, failed or cancelled (not merely paused). */
  settled(): Promise<LayerSnapshot> {
    const status = this.#status;
    if (status === 'done' || status === 'failed' || status === 'cancelled')
      return Promise.resolve(this.snapshot);
    return new Promise((resolve) => this.#settledWaiters.push(resolve));
  }

  #setStatus(status: LayerStatus): void {
    if (status !== 'retrying' && status !== 'offline') this.#activity = status;
    if (this.#status === status) return;
    this.#status = status;
    this.#emit();
    if (status === 'done' || status === 'failed' || status === 'cancelled') {
      const waiters = this.#settledWaiters;
      this.#settledWaiters = [];
      for (const resolve of waiters) resolve(this.snapshot);
    }
  }

  /** Sets the status unless pause or cancel came first. */
  #enter(status: LayerStatus, signal: AbortSignal): void {
    signal.throwIfAborted();
    this.#setStatus(status);
  }

  #emit(): void {
    this.#snapshot = undefined;
    const snapshot = this.snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }

  #progress(): void {
    const bytes =
      this.#status === 'hashing' ? (this.#hasher?.length ?? 0) : this.#committed.offset + this.#inflight;
    this.#meter.sample(this.#now(), bytes);
    this.#emit();
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
      if (this.#completed) {
        await this.#finish(this.#completed, signal);
        return;
      }
      if (this.#precheck && !this.#prechecked && (await this.#alreadyPresent(signal))) return;
      for (let restarts = 0; ; restarts++) {
        try {
          if (!this.#upload) await this.#open(signal);
          this.#enter('uploading', signal);
          await this.#sendParts(signal);
          await this.#complete(signal);
          return;
        } catch (error) {
          if (signal.aborted || restarts >= MAX_RESTARTS) throw error;
          const why = isEcrError(error, 'UploadNotFoundException')
            ? 'the endpoint no longer had the upload'
            : (isEcrError(error, 'InvalidLayerException') || isFileChanged(error)) && this.#adopted
              ? 'the bytes the endpoint held did not match the file'
              : undefined;
          if (!why) throw error;
          await this.#startOver(`Started again from the beginning: ${why}.`);
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      this.#inflight = 0;
      this.#error = describeFailure(error);
      this.#setStatus('failed');
    }
  }

  /** The pre-check: hashes the file (resumably across pauses) and asks whether the repository has it. */
  async #alreadyPresent(signal: AbortSignal): Promise<boolean> {
    if (this.#digest === undefined) {
      this.#enter('hashing', signal);
      this.#meter.reset();
      this.#hasher ??= new ResumableSha256();
      const hasher = this.#hasher;
      await forEachChunk(this.#source, hasher.length, this.#source.size, signal, (chunk) => {
        hasher.update(chunk);
        this.#progress();
      });
      this.#digest = formatSha256Digest(hasher.digest());
      this.#meter.reset();
    }
    const digest = this.#digest;
    this.#enter('checking', signal);
    const available = await this.#isAvailable(digest, signal);
    this.#prechecked = true;
    if (!available) return false;
    await this.#finish({ outcome: 'already-present', digest, size: this.#source.size }, signal);
    return true;
  }

  /** Continues the saved upload for this file when there is one that fits, or initiates a new one. */
  async #open(signal: AbortSignal): Promise<void> {
    this.#enter('checking', signal);
    if (!this.#storeChecked) {
      this.#storeChecked = true;
      const record = await this.#store.get(this.#key).catch(() => undefined);
      if (record) {
        const { headBytes } = record.fingerprint;
        const head =
          Number.isSafeInteger(headBytes) && headBytes > 0 && headBytes <= this.#source.size
            ? await sha256Hex(await readRange(this.#source, 0, headBytes))
            : undefined;
        signal.throwIfAborted();
        const plan = planResume(record, this.#source, head);
        if (plan.action === 'resume') {
          this.#upload = { uploadId: plan.uploadId, partSize: plan.partSize };
          this.#fingerprint = record.fingerprint;
          this.#adopted = true;
          this.#resumedFrom = plan.offset;
          this.#note = `Resumed at ${mebibytes(plan.offset)}, where an earlier upload of this file stopped.`;
          this.#checkpoints = [plan.from];
          this.#committed = plan.from;
          if (plan.from.offset < plan.offset) await this.#rehashTo(plan.from, plan.offset, signal);
          this.#emit();
          return;
        }
        await this.#store.delete(this.#key).catch(() => {});
        if (plan.reason === 'file-changed')
          this.#note = 'A saved upload was for other content; started anew.';
      }
    }
    const started = await this.#withRetry(
      () =>
        this.#api.initiateLayerUpload({ repositoryName: this.#repositoryName }, this.#callOptions(signal)),
      signal,
    );
    if (typeof started.uploadId !== 'string' || started.uploadId === '') {
      throw new Error('InitiateLayerUpload answered without an upload id');
    }
    this.#upload = {
      uploadId: started.uploadId,
      partSize: choosePartSize(started.partSize, this.#source.size),
    };
    this.#committed = startCheckpoint();
    this.#checkpoints = [];
  }

  /** Drops the upload id and progress: the next attempt initiates a new upload from byte 0. */
  async #startOver(note: string): Promise<void> {
    this.#upload = undefined;
    this.#completionSent = false;
    this.#committed = startCheckpoint();
    this.#checkpoints = [];
    this.#adopted = false;
    this.#resumedFrom = undefined;
    this.#note = note;
    await this.#store.delete(this.#key).catch(() => {});
    this.#progress();
  }

  /** Sends every part from the acknowledged offset to the end. */
  async #sendParts(signal: AbortSignal): Promise<void> {
    const { size } = this.#source;
    let stalls = 0;
    while (this.#committed.offset < size) {
      const start = this.#committed;
      const resync = await this.#sendPartsFrom(start, signal);
      if (!resync) continue;
      if (resync.action === 'fail') throw new Error(`Cannot go on with the upload: ${resync.reason}`);
      stalls = resync.offset > start.offset ? 0 : stalls + 1;
      if (stalls >= MAX_STALLS) {
        throw new Error(
          `The endpoint refused the part at byte ${resync.offset} ${MAX_STALLS} times in a row`,
        );
      }
      this.#adopted = true;
      this.#note = `The endpoint holds ${mebibytes(resync.offset)} of this layer; went on from there.`;
      this.#committed = resync.from;
      if (resync.from.offset < resync.offset) await this.#rehashTo(resync.from, resync.offset, signal);
      this.#progress();
    }
  }

  /**
   * One pass of the chunker from `start`; returns early with a resync plan when the endpoint refuses a part.
   * The next part is read and hashed while the current one is on the wire.
   */
  async #sendPartsFrom(start: Checkpoint, signal: AbortSignal) {
    const upload = this.#upload as { uploadId: string; partSize: number };
    const { size } = this.#source;
    const chunker = createLayerChunker({
      partSize: upload.partSize,
      startOffset: start.offset,
      hashState: start.hashState,
      totalSize: size,
    });
    const reader = this.#source.stream(start.offset).pipeThrough(chunker).getReader();
    const onAbort = () => {
      reader.cancel(signal.reason).catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let next = reader.read();
      for (;;) {
        const { done, value: part } = await next.catch((error: unknown) => {
          throw signal.aborted ? signal.reason : sourceError(error);
        });
        signal.throwIfAborted();
        if (done) return undefined;
        next = reader.read();
        // A pause or resync leaves this read behind: it must not become an unhandled rejection.
        next.catch(() => {});
        const head =
          this.#fingerprint === undefined && part.partFirstByte === 0 ? sha256Hex(part.bytes) : undefined;
        const refused = await this.#sendPart(part, upload.uploadId, signal);
        if (refused) return refused;
        await this.#commit(part, head);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.cancel().catch(() => {});
    }
  }

  async #sendPart(part: LayerPart, uploadId: string, signal: AbortSignal) {
    return this.#withRetry(async () => {
      this.#inflight = 0;
      try {
        await this.#api.uploadLayerPart(
          {
            repositoryName: this.#repositoryName,
            uploadId,
            partFirstByte: part.partFirstByte,
            partLastByte: part.partLastByte,
            layerPartBlob: part.bytes,
          },
          {
            ...this.#callOptions(signal),
            onUploadProgress: (sent) => {
              this.#inflight = sent;
              this.#progress();
            },
          },
        );
        return undefined;
      } catch (error) {
        if (isEcrError(error, 'InvalidLayerPartException')) {
          return planResync(error.fields.lastValidByteReceived, this.#source.size, this.#allCheckpoints());
        }
        throw error;
      } finally {
        this.#inflight = 0;
      }
    }, signal);
  }

  #allCheckpoints(): Checkpoint[] {
    return [...this.#checkpoints, this.#committed];
  }

  /** Records an acknowledged part: the new offset and hash state, saved for resume. */
  async #commit(part: LayerPart, head: Promise<string> | undefined): Promise<void> {
    this.#committed = { offset: part.partLastByte + 1, hashState: part.hashState };
    this.#checkpoints.push(this.#committed);
    if (this.#checkpoints.length > MAX_CHECKPOINTS) this.#checkpoints.shift();
    this.#progress();
    if (head) {
      const { name, size, lastModified } = this.#source;
      this.#fingerprint = { name, size, lastModified, headBytes: part.bytes.length, headSha256: await head };
    }
    await this.#save();
  }

  /** Saves progress; a store that fails (private browsing, quota) costs only resume across reloads. */
  async #save(): Promise<void> {
    const upload = this.#upload;
    const fingerprint = this.#fingerprint;
    if (!upload || !fingerprint) return;
    try {
      await this.#store.put({
        key: this.#key,
        ...this.#scope,
        repositoryName: this.#repositoryName,
        uploadId: upload.uploadId,
        partSize: upload.partSize,
        fingerprint,
        offset: this.#committed.offset,
        hashState: this.#committed.hashState,
        updatedAt: this.#now(),
      });
    } catch {
      this.#note = 'Progress cannot be saved in this browser: a reload will start this layer over.';
    }
  }

  /** Reads `from.offset` to `to` only to hash it: the hash state at `to` was not known. */
  async #rehashTo(from: Checkpoint, to: number, signal: AbortSignal): Promise<void> {
    const hasher = ResumableSha256.restore(from.hashState);
    await forEachChunk(this.#source, from.offset, to, signal, (chunk) => hasher.update(chunk)).catch(
      (error: unknown) => {
        throw signal.aborted ? signal.reason : sourceError(error);
      },
    );
    this.#rehashedBytes += to - from.offset;
    this.#committed = { offset: to, hashState: hasher.save() };
    this.#checkpoints.push(this.#committed);
    await this.#save();
  }

  async #complete(signal: AbortSignal): Promise<void> {
    const upload = this.#upload as { uploadId: string; partSize: number };
    const digest = formatSha256Digest(ResumableSha256.restore(this.#committed.hashState).digest());
    if (this.#digest !== undefined && this.#digest !== digest) {
      throw new LayerSourceError('The file changed between the pre-check and the upload', 'FileChanged');
    }
    const size = this.#source.size;
    this.#enter('completing', signal);
    const sentBefore = this.#completionSent;
    let attempts = 0;
    try {
      const completed = await this.#withRetry(() => {
        attempts++;
        this.#completionSent = true;
        return this.#api.completeLayerUpload(
          { repositoryName: this.#repositoryName, uploadId: upload.uploadId, layerDigests: [digest] },
          this.#callOptions(signal),
        );
      }, signal);
      if (completed.layerDigest !== undefined && completed.layerDigest !== digest) {
        throw new Error(`The endpoint computed ${completed.layerDigest}, the file is ${digest}`);
      }
      await this.#finish({ outcome: 'uploaded', digest, size }, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (isEcrError(error, 'LayerAlreadyExistsException')) {
        await this.#finish({ outcome: 'already-present', digest, size }, signal);
        return;
      }
      // The upload is gone, but the layer may be there: an earlier attempt (in this run, or one paused or
      // reloaded) completed it and lost the answer. Sending every byte again would be the wrong fix.
      if (isEcrError(error, 'UploadNotFoundException') && (await this.#isAvailable(digest, signal))) {
        const outcome = sentBefore || attempts > 1 ? 'uploaded' : 'already-present';
        await this.#finish({ outcome, digest, size }, signal);
        return;
      }
      throw error;
    }
  }

  async #isAvailable(digest: string, signal: AbortSignal): Promise<boolean> {
    const answer = await this.#withRetry(
      () =>
        this.#api.batchCheckLayerAvailability(
          { repositoryName: this.#repositoryName, layerDigests: [digest] },
          this.#callOptions(signal),
        ),
      signal,
    );
    return (
      answer.layers?.some(
        (layer) => layer.layerDigest === digest && layer.layerAvailability === 'AVAILABLE',
      ) ?? false
    );
  }

  /** Done: forgets the saved progress and asks for a download URL (its failure is no failure of the upload). */
  async #finish(result: LayerResult, signal: AbortSignal): Promise<void> {
    this.#completed = result;
    await this.#store.delete(this.#key).catch(() => {});
    this.#committed = { offset: result.size, hashState: this.#committed.hashState };
    try {
      const { downloadUrl } = await this.#withRetry(
        () =>
          this.#api.getDownloadUrlForLayer(
            { repositoryName: this.#repositoryName, layerDigest: result.digest },
            this.#callOptions(signal),
          ),
        signal,
      );
      if (downloadUrl) result.downloadUrl = downloadUrl;
    } catch (error) {
      if (signal.aborted) throw error;
      result.downloadUrlError = describeFailure(error);
    }
    this.#result = result;
    this.#setStatus('done');
  }

  #callOptions(signal: AbortSignal) {
    return { signal, timeoutMs: this.#policy.requestTimeoutMs };
  }

  /**
   * Runs `request` until it succeeds, a failure the policy does not retry, or the retries run out. While the
   * runtime says it is offline it waits for the network instead, without spending retries.
   */
  async #withRetry<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let retries = 0; ; ) {
      if (!this.#connectivity.isOnline()) {
        this.#enter('offline', signal);
        await this.#connectivity.waitUntilOnline(signal);
        this.#enter(this.#activity, signal);
      }
      try {
        const value = await request();
        if (this.#status === 'retrying') this.#enter(this.#activity, signal);
        return value;
      } catch (error) {
        signal.throwIfAborted();
        const decision = retryDecision(error, retries, this.#policy, this.#random);
        if (!decision.retry) throw error;
        if (decision.reason === 'network' && !this.#connectivity.isOnline()) continue;
        retries++;
        this.#retry = {
          failure: describeFailure(error),
          attempt: retries,
          at: this.#now() + decision.delayMs,
        };
        this.#enter('retrying', signal);
        this.#emit();
        await this.#sleep(decision.delayMs, signal);
      }
    }
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

function isFileChanged(error: unknown): boolean {
  return error instanceof LayerSourceError && error.code === 'FileChanged';
}

/** A stream failure while reading the file, in the engine's terms. */
function sourceError(error: unknown): unknown {
  if (error instanceof RangeError && /totalSize/.test(error.message)) {
    return new LayerSourceError('The file’s size changed while it was being read', 'FileChanged', {
      cause: error,
    });
  }
  return error;
}
