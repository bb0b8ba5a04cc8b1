/**
 * The ECR image rules: PutImage, BatchGetImage, DescribeImages, ListImages, BatchDeleteImage and
 * PutImageTagMutability over the {@link ImageStore} port (the manifest reading they rest on is protocol's).
 * @module
 */

export { batchDeleteImage, checkRepositoryDeletable, repositoryHasImages } from './batchDeleteImage.ts';
export { batchGetImage, type PulledImages } from './batchGetImage.ts';
export { type ConvertedManifest, convertManifest } from './convert.ts';
export { IMAGE_TAG } from './imageIds.ts';
export { DEFAULT_MAX_RESULTS, describeImages, listImages } from './listing.ts';
export { type ImagePut, putImage } from './putImage.ts';
export { PULL_TIME_RESOLUTION_SECONDS, type PullRecord, recordPulls } from './recordPulls.ts';
export {
  pageReferrers,
  type ReferrerDescriptor,
  type ReferrersQuery,
  referrers,
} from './referrers.ts';
export type * from './store.ts';
export { isTagImmutable, putImageTagMutability } from './tagMutability.ts';
