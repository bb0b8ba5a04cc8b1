import {
  type BatchCheckLayerAvailabilityResponse,
  type BatchDeleteImageRequest,
  type BatchDeleteImageResponse,
  type BatchGetImageRequest,
  type BatchGetImageResponse,
  type CreateRepositoryRequest,
  type DeleteLifecyclePolicyResponse,
  type DescribeImagesRequest,
  type DescribeImagesResponse,
  EcrError,
  type GetLifecyclePolicyPreviewRequest,
  type GetLifecyclePolicyPreviewResponse,
  type GetLifecyclePolicyResponse,
  type ListImagesRequest,
  type ListImagesResponse,
  type PutImageRequest,
  type PutImageResponse,
  type PutImageTagMutabilityRequest,
  type PutImageTagMutabilityResponse,
  type PutLifecyclePolicyRequest,
  type PutLifecyclePolicyResponse,
  type StartLifecyclePolicyPreviewRequest,
  type StartLifecyclePolicyPreviewResponse,
  type Tag,
} from '@edgecr/protocol';
import type { CatalogRules } from './catalog/catalogRules.ts';
import {
  type LayerDeletion,
  newRepositoryRecord,
  type RepositoryLayer,
  type RepositoryPage,
  type RepositoryQuery,
  type RepositoryRecord,
} from './catalog/records.ts';
import { paginationWithNames } from './errors.ts';
import type { ReferrerDescriptor, ReferrersQuery } from './images/referrers.ts';
import type { PartPolicy, UploadRef } from './ports/uploadStore.ts';
import { ECR_PART_POLICY, type LayerUploadRules, OCI_PART_POLICY } from './uploads/layerUploadRules.ts';
import type { OpenPartRange } from './uploads/receivePart.ts';

/** How many holders of a blob one catalog call returns to an anonymous mount. */
const HOLDERS_PAGE = 100;

/**
 * How many holders of a blob an anonymous mount looks at, at most: a key limited to prefixes that no holder
 * matches costs this many names read, not one per repository of the registry.
 */
const ANONYMOUS_MOUNT_HOLDERS = 1000;

/** Methods of `T` as a host reaches them: each returns a promise (a local call or an RPC). */
type Reached<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

/** One registry's catalog, as a host reaches it (its rule object in process, or a Durable Object by RPC). */
export type CatalogHandle = Reached<
  Pick<
    CatalogRules,
    | 'createRepository'
    | 'describeRepositories'
    | 'deleteRepository'
    | 'requireRepository'
    | 'checkLayers'
    | 'findLayer'
    | 'mountLayer'
    | 'layerHolders'
    | 'deleteLayer'
    | 'putImage'
    | 'batchGetImage'
    | 'describeImages'
    | 'listImages'
    | 'batchDeleteImage'
    | 'putImageTagMutability'
    | 'tagRepository'
    | 'untagRepository'
    | 'referrers'
    | 'putLifecyclePolicy'
    | 'getLifecyclePolicy'
    | 'deleteLifecyclePolicy'
    | 'startLifecyclePolicyPreview'
    | 'getLifecyclePolicyPreview'
  >
>;

/** One upload, as a host reaches it. */
export type UploadHandle = Reached<
  Pick<LayerUploadRules, 'begin' | 'uploadPart' | 'complete' | 'completeBlob' | 'received' | 'cancel'>
>;

/**
 * Where the rule objects live: a hosting reaches the catalog of a registry and the upload of an id, and
 * serialises the calls on each (in process: queues; on Cloudflare: one Durable Object each).
 */
export interface RegistryHosting {
  catalog(registryId: string): CatalogHandle;
  upload(uploadId: string): UploadHandle;
}

/** How uploads are cut and how long they live. */
export interface UploadSettings {
  /** The size of every BlobStore part but the last, and the `partSize` InitiateLayerUpload announces. */
  partSize: number;
  /** An upload idle this long is aborted and its bytes deleted. */
  uploadTtlSeconds: number;
  /**
   * An OCI push into a repository that does not exist creates it (an operator's choice; off by default, as
   * ECR answers such a push that the repository does not exist).
   */
  createRepositoryOnPush?: boolean;
}

/**
 * The registry as a service: ECR's operations on one registry, whatever hosts the rules. Doors (the ECR
 * JSON API, downloads) call this and nothing else.
 * @example
 * const registry = new RegistryService('123456789012', new MemoryHost(), { partSize: 10 * MiB, uploadTtlSeconds: 86_400 });
 * const { uploadId } = await registry.initiateLayerUpload('app');
 */
export class RegistryService {
  private readonly catalog: CatalogHandle;

  constructor(
    readonly registryId: string,
    private readonly hosting: RegistryHosting,
    private readonly settings: UploadSettings,
  ) {
    this.catalog = hosting.catalog(registryId);
  }

  /** CreateRepository; its tags follow TagResource's rules. */
  async createRepository(input: CreateRepositoryRequest): Promise<RepositoryRecord> {
    return await this.catalog.createRepository(newRepositoryRecord(input, new Date()));
  }

  /** Adds tags to a repository, replacing the values of keys it already has (TagResource). */
  tagRepository(repositoryName: string, tags: Tag[]): Promise<void> {
    return this.catalog.tagRepository(repositoryName, tags);
  }

  /** A repository's tags (ListTagsForResource). */
  async repositoryTags(repositoryName: string): Promise<Tag[]> {
    return (await this.catalog.requireRepository(repositoryName)).tags;
  }

  /** Removes tags from a repository by key (UntagResource). */
  untagRepository(repositoryName: string, tagKeys: string[]): Promise<void> {
    return this.catalog.untagRepository(repositoryName, tagKeys);
  }

  async describeRepositories(query: RepositoryQuery): Promise<RepositoryPage> {
    if (query.repositoryNames && (query.maxResults !== undefined || query.nextToken !== undefined)) {
      throw paginationWithNames();
    }
    return await this.catalog.describeRepositories(query);
  }

  /** Deletes a repository; one holding images only with `force`, which deletes them too. */
  deleteRepository(repositoryName: string, force = false): Promise<RepositoryRecord> {
    return this.catalog.deleteRepository(repositoryName, force);
  }

  /**
   * PutImage. `alias` is the manifest's sha512 digest, which the caller checked against the manifest's exact
   * bytes (the OCI door, for a manifest pushed by a `sha512:` reference); the image is then found by it too.
   */
  putImage(input: PutImageRequest, alias?: string): Promise<PutImageResponse> {
    return this.catalog.putImage(input, alias);
  }

  batchGetImage(input: BatchGetImageRequest): Promise<BatchGetImageResponse> {
    return this.catalog.batchGetImage(input);
  }

  describeImages(input: DescribeImagesRequest): Promise<DescribeImagesResponse> {
    return this.catalog.describeImages(input);
  }

  listImages(input: ListImagesRequest): Promise<ListImagesResponse> {
    return this.catalog.listImages(input);
  }

  batchDeleteImage(input: BatchDeleteImageRequest): Promise<BatchDeleteImageResponse> {
    return this.catalog.batchDeleteImage(input);
  }

  /** The referrers of a manifest, as index descriptors (OCI 1.1). */
  referrers(query: ReferrersQuery): Promise<ReferrerDescriptor[]> {
    return this.catalog.referrers(query);
  }

  putImageTagMutability(input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
    return this.catalog.putImageTagMutability(input);
  }

  /** PutLifecyclePolicy: the policy runs at the host's lifecycle interval. */
  putLifecyclePolicy(input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
    return this.catalog.putLifecyclePolicy(input);
  }

  getLifecyclePolicy(repositoryName: string): Promise<GetLifecyclePolicyResponse> {
    return this.catalog.getLifecyclePolicy(repositoryName);
  }

  deleteLifecyclePolicy(repositoryName: string): Promise<DeleteLifecyclePolicyResponse> {
    return this.catalog.deleteLifecyclePolicy(repositoryName);
  }

  /** StartLifecyclePolicyPreview: IN_PROGRESS now, COMPLETE after the catalog's next wake-up. */
  startLifecyclePolicyPreview(
    input: StartLifecyclePolicyPreviewRequest,
  ): Promise<StartLifecyclePolicyPreviewResponse> {
    return this.catalog.startLifecyclePolicyPreview(input);
  }

  getLifecyclePolicyPreview(
    input: GetLifecyclePolicyPreviewRequest,
  ): Promise<GetLifecyclePolicyPreviewResponse> {
    return this.catalog.getLifecyclePolicyPreview(input);
  }

  /** Starts an upload into an existing repository. */
  async initiateLayerUpload(repositoryName: string): Promise<{ uploadId: string; partSize: number }> {
    await this.catalog.requireRepository(repositoryName);
    return { uploadId: await this.begin(repositoryName, ECR_PART_POLICY), partSize: this.settings.partSize };
  }

  /**
   * Starts an OCI blob upload: the same upload as InitiateLayerUpload's, taking chunks of any size.
   * @returns The upload id.
   */
  async startBlobUpload(repositoryName: string): Promise<string> {
    await this.requirePushTarget(repositoryName);
    return await this.begin(repositoryName, OCI_PART_POLICY);
  }

  /**
   * Streams a part to its upload. The body is read as it arrives; ending it short abandons the part. A range
   * without an end (an OCI chunk of unknown length) takes the whole body.
   * @returns `lastByteReceived`.
   */
  uploadLayerPart(
    ref: Omit<UploadRef, 'registryId'>,
    range: OpenPartRange,
    body: ReadableStream<Uint8Array>,
  ): Promise<number> {
    return this.hosting.upload(ref.uploadId).uploadPart(this.ref(ref), range, body);
  }

  /** @returns The layer's digest. */
  completeLayerUpload(ref: Omit<UploadRef, 'registryId'>, layerDigests: string[]): Promise<string> {
    return this.hosting.upload(ref.uploadId).complete(this.ref(ref), layerDigests);
  }

  /** How many bytes an upload holds. */
  uploadedBytes(ref: Omit<UploadRef, 'registryId'>): Promise<number> {
    return this.hosting.upload(ref.uploadId).received(this.ref(ref));
  }

  /** Abandons an upload and deletes its bytes. */
  cancelUpload(ref: Omit<UploadRef, 'registryId'>): Promise<void> {
    return this.hosting.upload(ref.uploadId).cancel(this.ref(ref));
  }

  /**
   * Completes an OCI blob upload whose digest (sha256 or sha512) the client names: a mismatch is refused and
   * leaves the upload as it was; a blob the repository already holds is a success (the upload's copy is
   * dropped).
   * @returns The digest as named (the blob is found by it afterwards).
   */
  async completeBlobUpload(ref: Omit<UploadRef, 'registryId'>, digest: string): Promise<string> {
    try {
      await this.hosting.upload(ref.uploadId).completeBlob(this.ref(ref), digest);
      return digest.toLowerCase();
    } catch (error) {
      if (error instanceof EcrError && error.code === 'LayerAlreadyExistsException')
        return digest.toLowerCase();
      throw error;
    }
  }

  /**
   * Links a blob that repository `from` holds into `repositoryName` (an OCI cross-repository mount): no bytes
   * are copied. The caller checks it may read `from`.
   * @returns Whether `repositoryName` now holds the blob; false when `from` does not hold it.
   */
  async mountBlob(repositoryName: string, digest: string, from: string): Promise<boolean> {
    await this.requirePushTarget(repositoryName);
    return await this.catalog.mountLayer(repositoryName, digest, from);
  }

  /**
   * Links a blob into `repositoryName` from any repository of the registry that holds it and that `mayRead`
   * accepts (an OCI mount without `from`: the door passes its read check for the caller), copying nothing.
   * Holders are read a page at a time, at most ANONYMOUS_MOUNT_HOLDERS of them: past that, the client
   * uploads the blob, which the spec allows for any mount.
   * @returns Whether `repositoryName` now holds the blob.
   */
  async mountBlobFromAny(
    repositoryName: string,
    digest: string,
    mayRead: (repositoryName: string) => boolean,
  ): Promise<boolean> {
    await this.requirePushTarget(repositoryName);
    let after = '';
    for (let seen = 0; seen < ANONYMOUS_MOUNT_HOLDERS; seen += HOLDERS_PAGE) {
      const holders = await this.catalog.layerHolders(digest, after, HOLDERS_PAGE);
      for (const from of holders) {
        // mountLayer checks again in its own transaction: the holder may have let the blob go since.
        if (mayRead(from) && (await this.catalog.mountLayer(repositoryName, digest, from))) return true;
      }
      const last = holders.at(-1);
      if (holders.length < HOLDERS_PAGE || last === undefined) return false;
      after = last;
    }
    return false;
  }

  /**
   * Deletes a blob from a repository (an OCI blob `DELETE`), by its sha256 digest or a known sha512 alias: the
   * repository stops holding it, and its bytes go once no repository does. A blob an image of the repository
   * references is refused (`referenced`), so no image is left unpullable; the door says so in its terms.
   */
  deleteBlob(repositoryName: string, digest: string): Promise<LayerDeletion> {
    return this.catalog.deleteLayer(repositoryName, digest);
  }

  checkLayers(repositoryName: string, digests: string[]): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.catalog.checkLayers(repositoryName, digests);
  }

  /** The stored layer, if the repository holds it, and whether an image of the repository references it. */
  findLayer(repositoryName: string, digest: string): Promise<RepositoryLayer | null> {
    return this.catalog.findLayer(repositoryName, digest);
  }

  /** The repository an OCI push goes to, created first if the operator allows it. */
  private async requirePushTarget(repositoryName: string): Promise<void> {
    try {
      await this.catalog.requireRepository(repositoryName);
    } catch (error) {
      if (!this.settings.createRepositoryOnPush) throw error;
      if (!(error instanceof EcrError && error.code === 'RepositoryNotFoundException')) throw error;
      await this.catalog
        .createRepository(newRepositoryRecord({ repositoryName }, new Date()))
        .catch((raced: unknown) => {
          // Another push created it first.
          if (!(raced instanceof EcrError && raced.code === 'RepositoryAlreadyExistsException')) throw raced;
        });
    }
  }

  private async begin(repositoryName: string, policy: PartPolicy): Promise<string> {
    const uploadId = crypto.randomUUID();
    await this.hosting.upload(uploadId).begin({
      registryId: this.registryId,
      repositoryName,
      uploadId,
      partSize: this.settings.partSize,
      ttlSeconds: this.settings.uploadTtlSeconds,
      policy,
    });
    return uploadId;
  }

  private ref(ref: Omit<UploadRef, 'registryId'>): UploadRef {
    return { registryId: this.registryId, repositoryName: ref.repositoryName, uploadId: ref.uploadId };
  }
}
