/**
 * A whole image's push: every blob of an {@link ArchiveImage} in push order, the ones the repository already
 * holds skipped, the rest through resumable {@link LayerPush}es, then PutImage for the child manifests (by
 * digest) and the top manifest (with the tag).
 * @module
 */
import { type ArchiveBlob, type ArchiveImage, assertBlobDigest } from '@edgecr/image-archive';
import type { CallOptions, ImageApi } from './ecrClient.ts';
import { isEcrError } from './errors.ts';
import { LayerPush } from './layerPush.ts';
import type { LayerSnapshot, LayerStatus } from './layerSnapshot.ts';
import { blobSource } from './layerSource.ts';
import {
  DEFAULT_RETRY_POLICY,
  sleep as defaultSleep,
  type RetryPolicy,
  retryDecision,
} from './retryPolicy.ts';
import { MemoryStateStore, type StateStore } from './stateStore.ts';

/** BatchCheckLayerAvailability takes at most this many digests (the model's `BatchedOperationLayerDigestList`). */
const CHECK_BATCH = 100;

/** What {@link pushImage} needs besides the image. */
export interface PushImageOptions {
  api: ImageApi;
  repositoryName: string;
  /** The tag of the top manifest; the archive's first tag by default. */
  tag?: string;
  /** Endpoint and registry the layer uploads are saved under, for resume. */
  scope: { endpoint: string; registryId: string };
  /** Where each layer's progress is saved after every part; in memory by default (no resume across runs). */
  store?: StateStore;
  /**
   * When the archive was last modified (ms since the epoch): part of each upload's saved key, so a changed
   * archive does not continue an upload of the old one. 0 by default.
   */
  lastModified?: number;
  /** Stops the push; the acknowledged parts stay saved, and the same push later continues from them. */
  signal?: AbortSignal;
  onProgress?: (progress: ImagePushProgress) => void;
  retryPolicy?: RetryPolicy;
  /** Injectable sleep for tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** One blob's part in an image push. */
export interface BlobProgress {
  readonly digest: string;
  readonly kind: ArchiveBlob['kind'];
  readonly size: number;
  /** `present`: the repository had it (nothing sent); `pending` until its turn. */
  readonly status: 'pending' | 'present' | LayerStatus;
  /** Bytes of it the endpoint acknowledged (its size once present or done). */
  readonly bytesAcknowledged: number;
  /** Where its upload went on from, when it continued one saved by an earlier run. */
  readonly resumedFrom: number | undefined;
}

/** Where a whole image's push stands: its blobs, and the bytes summed over them. */
export interface ImagePushProgress {
  readonly phase: 'checking' | 'uploading' | 'manifests' | 'done';
  /** The layers and configs (manifests go through PutImage, not counted here). */
  readonly blobs: readonly BlobProgress[];
  /** Bytes of all layers and configs. */
  readonly totalBytes: number;
  /** Bytes the repository holds: present before, acknowledged now, or sent in a run before this one. */
  readonly bytesDone: number;
  /** Bytes this run sent (acknowledged), not counting what an earlier run sent. */
  readonly bytesSent: number;
  readonly bytesPerSecond: number;
}

/** How an image push ended. */
export interface ImagePushResult {
  repositoryName: string;
  tag: string | undefined;
  /** The top manifest's digest: the image digest. */
  imageDigest: string;
  blobs: readonly BlobProgress[];
  /** Each manifest PutImage got, child manifests first: `put`, or `existed` (ImageAlreadyExistsException). */
  manifests: readonly { digest: string; outcome: 'put' | 'existed' }[];
  /** Bytes this run sent; an earlier interrupted run's acknowledged bytes are not sent again. */
  bytesSent: number;
  /** Bytes continued from uploads an earlier run left (acknowledged then, not sent again). */
  bytesResumed: number;
}

/**
 * A layer push that failed, with the failure in words ({@link LayerSnapshot.error}) and the code under it.
 * @example
 * catch (e) { if (e instanceof BlobPushError) console.error(e.failure.message); }
 */
export class BlobPushError extends Error {
  override readonly name = 'BlobPushError';
  readonly digest: string;
  readonly failure: NonNullable<LayerSnapshot['error']>;
  constructor(digest: string, failure: NonNullable<LayerSnapshot['error']>) {
    super(`${digest}: ${failure.message} (${failure.code}: ${failure.detail})`);
    this.digest = digest;
    this.failure = failure;
  }
}

/** The blobs that go through the layer calls: layers and configs. */
function isLayerLike(blob: ArchiveBlob): boolean {
  return blob.kind === 'layer' || blob.kind === 'config';
}

/**
 * Pushes one image of an archive: skips the layers and configs the repository has (BatchCheckLayerAvailability),
 * pushes the others in order through {@link LayerPush} (resumable through `store`; each digest computed on the
 * way must be the archive's, {@link assertBlobDigest}), then PutImage for each child manifest by digest and the
 * top manifest with the tag. ImageAlreadyExistsException is success. Rejects with the first failure
 * ({@link describeFailure} words it), or with `signal.reason` when stopped.
 * @example
 * const archive = await readImageArchive(file);
 * const result = await pushImage(archive.images[0], { api, repositoryName: 'app', scope, store });
 */
export async function pushImage(image: ArchiveImage, options: PushImageOptions): Promise<ImagePushResult> {
  const { api, repositoryName, scope } = options;
  const signal = options.signal ?? new AbortController().signal;
  const tag = options.tag ?? image.tags[0];
  const store = options.store ?? new MemoryStateStore();
  const retry = retrying(options, signal);
  const layers = image.blobs.filter(isLayerLike);
  const state = new Map<string, BlobProgress>(
    layers.map((b) => [
      b.digest,
      {
        digest: b.digest,
        kind: b.kind,
        size: b.size,
        status: 'pending',
        bytesAcknowledged: 0,
        resumedFrom: undefined,
      },
    ]),
  );
  const totalBytes = layers.reduce((sum, b) => sum + b.size, 0);
  let phase: ImagePushProgress['phase'] = 'checking';
  let bytesSent = 0;
  let bytesResumed = 0;
  let rate = 0;
  const report = () => {
    const blobs = [...state.values()];
    const bytesDone = blobs.reduce((sum, b) => sum + b.bytesAcknowledged, 0);
    options.onProgress?.({ phase, blobs, totalBytes, bytesDone, bytesSent, bytesPerSecond: rate });
  };
  const update = (digest: string, change: Partial<BlobProgress>) => {
    state.set(digest, { ...(state.get(digest) as BlobProgress), ...change });
    report();
  };

  report();
  const present = new Set<string>();
  for (let i = 0; i < layers.length; i += CHECK_BATCH) {
    const layerDigests = layers.slice(i, i + CHECK_BATCH).map((b) => b.digest);
    const answer = await retry((o) => api.batchCheckLayerAvailability({ repositoryName, layerDigests }, o));
    for (const layer of answer.layers ?? []) {
      if (layer.layerAvailability === 'AVAILABLE' && layer.layerDigest) present.add(layer.layerDigest);
    }
  }
  for (const blob of layers) {
    if (present.has(blob.digest)) update(blob.digest, { status: 'present', bytesAcknowledged: blob.size });
  }

  phase = 'uploading';
  for (const blob of layers) {
    if (present.has(blob.digest)) continue;
    const push = new LayerPush({
      // The digest names the blob in the saved key: one archive's blobs never share a record.
      source: blobSource(blob.blob, { name: blob.digest, lastModified: options.lastModified ?? 0 }),
      repositoryName,
      api,
      scope,
      store,
      // Nothing an image push answers with holds a blob's download link.
      downloadUrl: false,
      ...(options.retryPolicy && { retryPolicy: options.retryPolicy }),
      ...(options.sleep && { sleep: options.sleep }),
    });
    let acknowledged = 0;
    let resumedFrom: number | undefined;
    const stop = push.subscribe((s) => {
      if (s.resumedFrom !== undefined && resumedFrom === undefined) {
        resumedFrom = s.resumedFrom;
        bytesResumed += s.resumedFrom;
        acknowledged = s.resumedFrom;
      }
      bytesSent += Math.max(0, s.bytesAcknowledged - acknowledged);
      acknowledged = s.bytesAcknowledged;
      rate = s.bytesPerSecond;
      update(blob.digest, { status: s.status, bytesAcknowledged: s.bytesAcknowledged, resumedFrom });
    });
    const onAbort = () => push.pause();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) push.pause();
      const end = await push.start();
      signal.throwIfAborted();
      if (end.status !== 'done' || !end.result) {
        throw new BlobPushError(blob.digest, end.error ?? failureOf(end.status));
      }
      assertBlobDigest(blob, end.result.digest);
      update(blob.digest, { status: 'done', bytesAcknowledged: blob.size });
    } finally {
      stop();
      signal.removeEventListener('abort', onAbort);
    }
  }

  phase = 'manifests';
  report();
  const manifests: { digest: string; outcome: 'put' | 'existed' }[] = [];
  const decoder = new TextDecoder();
  for (const blob of image.blobs) {
    if (isLayerLike(blob)) continue;
    const top = blob.digest === image.manifest.digest;
    const bytes = top ? image.manifest.bytes : new Uint8Array(await new Response(blob.open()).arrayBuffer());
    const input = {
      repositoryName,
      imageManifest: decoder.decode(bytes),
      imageManifestMediaType: blob.mediaType,
      imageDigest: blob.digest,
      ...(top && tag !== undefined && { imageTag: tag }),
    };
    try {
      await retry((o) => api.putImage(input, o));
      manifests.push({ digest: blob.digest, outcome: 'put' });
    } catch (error) {
      if (!isEcrError(error, 'ImageAlreadyExistsException')) throw error;
      manifests.push({ digest: blob.digest, outcome: 'existed' });
    }
  }
  phase = 'done';
  report();
  return {
    repositoryName,
    tag,
    imageDigest: image.manifest.digest,
    blobs: [...state.values()],
    manifests,
    bytesSent,
    bytesResumed,
  };
}

/** A layer push that stopped other than done, described by its status (paused or cancelled from outside). */
function failureOf(status: LayerStatus): NonNullable<LayerSnapshot['error']> {
  return { kind: 'other', message: `The layer push stopped (${status}).`, code: status, detail: status };
}

/** Runs an image-level call (BatchCheckLayerAvailability, PutImage) with the retry policy's retries. */
function retrying(options: PushImageOptions, signal: AbortSignal) {
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const pause = options.sleep ?? defaultSleep;
  return async <T>(call: (o: CallOptions) => Promise<T>): Promise<T> => {
    for (let retries = 0; ; retries++) {
      signal.throwIfAborted();
      try {
        return await call({ signal, timeoutMs: policy.requestTimeoutMs });
      } catch (error) {
        signal.throwIfAborted();
        const decision = retryDecision(error, retries, policy);
        if (!decision.retry) throw error;
        await pause(decision.delayMs, signal);
      }
    }
  };
}
