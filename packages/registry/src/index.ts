// The registry core: ECR's rules over storage ports, runtime-neutral (web-platform APIs only).
export { CatalogRules } from './catalog/catalogRules.ts';
export { type CatalogOptions, DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS } from './catalog/context.ts';
export {
  type LayerDeletion,
  type LayerRecord,
  newRepositoryRecord,
  type Registration,
  type RepositoryLayer,
  type RepositoryPage,
  type RepositoryQuery,
  type RepositoryRecord,
} from './catalog/records.ts';
export { parseRepositoryArn, type RepositoryArn, repositoryOfArn } from './catalog/repositoryTags.ts';
export * from './errors.ts';
export * from './images/index.ts';
export { evaluateLifecycle, type LifecycleImage, type LifecycleVerdict } from './lifecycle/evaluate.ts';
export { DEFAULT_LIFECYCLE_INTERVAL_SECONDS } from './lifecycle/lifecycleRules.ts';
export {
  type LifecyclePolicy,
  type LifecycleRule,
  MAX_LIFECYCLE_RULES,
  MAX_PATTERN_WILDCARDS,
  parseLifecyclePolicy,
} from './lifecycle/policy.ts';
export type { LifecyclePreview, LifecycleRecord, PreviewEntry } from './lifecycle/records.ts';
export { MemoryBlobStore } from './memory/blobStore.ts';
export { MemoryCatalogStore } from './memory/catalogStore.ts';
export { MemoryHost, type MemoryHostOptions } from './memory/host.ts';
export { type MemoryUploadSnapshot, MemoryUploadStore } from './memory/uploadStore.ts';
export { evaluatePolicy, keyArn, type PolicyRequest, type PolicyVerdict } from './policies/evaluate.ts';
export { type PolicyDocument, parsePolicy } from './policies/policyDocument.ts';
export {
  type PolicyCaller,
  type RepositoryPolicyAnswer,
  repositoryPolicyNotFound,
} from './policies/policyRules.ts';
export {
  type BlobStore,
  type ByteRange,
  MIN_MULTIPART_PART_BYTES,
  type StoredObject,
  type UploadedPart,
} from './ports/blobStore.ts';
export type { CatalogStore, CatalogTransaction, LayerLink } from './ports/catalogStore.ts';
export type { PartCommit, PartPolicy, UploadRecord, UploadRef, UploadStore } from './ports/uploadStore.ts';
export type { PulledBlob } from './pullThrough/blobFill.ts';
export type { IncrementalSha256 } from './pullThrough/blobLanding.ts';
export {
  credentialNameOf,
  parseUpstreamCredentials,
  requireCredential,
} from './pullThrough/credentials.ts';
export {
  DEFAULT_PULL_THROUGH_REFRESH_SECONDS,
  PullThrough,
  type PullThroughOptions,
} from './pullThrough/pullThrough.ts';
export type { ImagePull, PullThroughRuleRecord, PullThroughSource } from './pullThrough/records.ts';
export {
  type PullThroughRefresh,
  parsePullThroughRefresh,
  refreshSecondsOf,
} from './pullThrough/refresh.ts';
export {
  createUpstreamSession,
  UpstreamAuthError,
  type UpstreamCredentials,
  type UpstreamSession,
  type UpstreamSessionOptions,
} from './pullThrough/upstreamSession.ts';
export { upstreamOrigin } from './pullThrough/upstreamUrl.ts';
export { SerialQueue } from './serialQueue.ts';
export {
  CATALOG_METHODS,
  type CatalogHandle,
  LAYER_CATALOG_METHODS,
  type Reached,
  type RegistryHosting,
  RegistryService,
  UPLOAD_METHODS,
  type UploadHandle,
  type UploadSettings,
} from './service.ts';
export type { TemplateRecord } from './templates/records.ts';
export {
  type BeginUpload,
  ECR_PART_POLICY,
  type LayerCatalog,
  type LayerCompletion,
  LayerUploadRules,
  layerObjectKey,
  OCI_PART_POLICY,
  type UploadProgress,
} from './uploads/layerUploadRules.ts';
export type { OpenPartRange, PartRange } from './uploads/receivePart.ts';
