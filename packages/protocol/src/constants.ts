/**
 * Every number the ECR layer API puts a limit on, named once. Servers, validators and clients import these
 * instead of repeating the figure. Values that the model states are checked against the vendored model by
 * `test/constants.test.ts`; the rest come from ECR's published service quotas.
 * @module
 */

/** Size in bytes of one mebibyte (2^20). */
export const MiB = 1024 * 1024;

/**
 * Smallest size of a layer part other than the last one (ECR quota, enforced by CompleteLayerUpload with
 * `LayerPartTooSmallException`). It is also R2's and S3's minimum multipart part size.
 * @example
 * if (size < MIN_LAYER_PART_BYTES && !isLast) throw new RangeError('part too small');
 */
export const MIN_LAYER_PART_BYTES = 5 * MiB;

/**
 * Largest `layerPartBlob` accepted by UploadLayerPart: the model's `LayerPartBlob` max (20,971,520 bytes).
 * @example
 * const partSize = Math.min(wanted, MAX_LAYER_PART_BYTES);
 */
export const MAX_LAYER_PART_BYTES = 20_971_520;

/** Most parts one layer upload may have (ECR quota "Layer parts"). */
export const MAX_LAYER_PARTS = 4_200;

/** Largest layer ECR accepts (quota "Maximum layer size": 52,000 MiB). */
export const MAX_LAYER_BYTES = 52_000 * MiB;

/**
 * Most images one repository may hold (ECR quota "Images per repository", default 100,000, per the Amazon ECR
 * service quotas page of the ECR user guide). PutImage refuses a new image past it with
 * `LimitExceededException`; AWS raises the quota on request, edgecr has no such request, so the default holds.
 */
export const MAX_IMAGES_PER_REPOSITORY = 100_000;

/** Most digests in one BatchCheckLayerAvailability or CompleteLayerUpload call (model list max). */
export const MAX_LAYER_DIGESTS = 100;

/** Most image ids in one BatchGetImage or DescribeImages call (model `ImageIdentifierList` max). */
export const MAX_IMAGE_IDS = 100;

/** Most repository names in one DescribeRepositories call (model `RepositoryNameList` max). */
export const MAX_REPOSITORY_NAMES = 100;

/** Bounds of `maxResults` in the paginated list operations (model `MaxResults`). */
export const MIN_MAX_RESULTS = 1;
/** Upper bound of `maxResults` (model `MaxResults`). */
export const MAX_MAX_RESULTS = 1_000;

/** Largest `imageManifest` PutImage accepts, in characters (model `ImageManifest` max, 4 MiB). */
export const MAX_IMAGE_MANIFEST_LENGTH = 4_194_304;

/** Length bounds of a repository name (model `RepositoryName`). */
export const MIN_REPOSITORY_NAME_LENGTH = 2;
/** Upper length bound of a repository name (model `RepositoryName`). */
export const MAX_REPOSITORY_NAME_LENGTH = 256;

/**
 * The `partSize` ECR announces in its InitiateLayerUpload answer (10 MiB): the size clients cut a layer into
 * unless told otherwise, and the one edgecr announces too.
 * @example
 * const partSize = initiated.partSize ?? LAYER_PART_SIZE;
 */
export const LAYER_PART_SIZE = 10 * MiB;
