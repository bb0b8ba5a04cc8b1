/**
 * The edgecr push engine (`@edgecr/client`): resumable, retrying, streaming layer and whole-image pushes to an
 * ECR-compatible endpoint, with no UI in it. Only web-platform APIs (fetch or XMLHttpRequest, Web Streams, WebCrypto, IndexedDB behind
 * {@link StateStore}); a page, a Node program or a test drives it.
 * @module
 */
export { ALWAYS_ONLINE, browserConnectivity, type Connectivity } from './connectivity.ts';
export {
  type CallOptions,
  EcrClient,
  type EcrClientConfig,
  type ImageApi,
  type LayerApi,
  type UploadPartOptions,
} from './ecrClient.ts';
export {
  describeFailure,
  type EngineErrorCode,
  type FailureKind,
  isEcrError,
  LayerSourceError,
  type LayerSourceErrorCode,
  NetworkError,
  RequestTimeoutError,
  type UploadFailure,
} from './errors.ts';
export {
  openBlob,
  type PulledBlob,
  type PulledImage,
  type PulledManifest,
  type PullOptions,
  pullImage,
} from './imagePull.ts';
export {
  type BlobProgress,
  BlobPushError,
  type ImagePushProgress,
  type ImagePushResult,
  type PushImageOptions,
  pushImage,
} from './imagePush.ts';
export { IndexedDbStateStore } from './indexedDbStore.ts';
export { encodeLayerPartBody, type LayerPartInput } from './layerPartBody.ts';
export { choosePartSize, LayerPush, type LayerPushOptions } from './layerPush.ts';
export { ACTIVE_STATUSES, type LayerResult, type LayerSnapshot, type LayerStatus } from './layerSnapshot.ts';
export { blobSource, forEachChunk, type LayerSource, readRange } from './layerSource.ts';
export {
  type LifecyclePreview,
  type LifecyclePreviewOptions,
  previewLifecyclePolicy,
} from './lifecyclePreview.ts';
export { type Rate, RateMeter } from './progress.ts';
export {
  type Checkpoint,
  planResume,
  planResync,
  type ResumePlan,
  type ResyncPlan,
  startCheckpoint,
} from './resume.ts';
export {
  DEFAULT_RETRY_POLICY,
  type RetryDecision,
  type RetryPolicy,
  type RetryReason,
  retryDecision,
  retryReason,
  sleep,
} from './retryPolicy.ts';
export {
  type FileFingerprint,
  MemoryStateStore,
  recordKey,
  type StateStore,
  type UploadRecord,
} from './stateStore.ts';
export {
  defaultTransport,
  fetchTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  xhrTransport,
} from './transport.ts';
export { type AddOptions, type QueueSnapshot, UploadQueue, type UploadQueueOptions } from './uploadQueue.ts';
