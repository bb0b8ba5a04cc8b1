import type {
  BatchCheckLayerAvailabilityResponse,
  BatchDeleteImageRequest,
  BatchDeleteImageResponse,
  BatchGetImageRequest,
  BatchGetImageResponse,
  CreateRepositoryRequest,
  DescribeImagesRequest,
  DescribeImagesResponse,
  ListImagesRequest,
  ListImagesResponse,
  PutImageRequest,
  PutImageResponse,
  PutImageTagMutabilityRequest,
  PutImageTagMutabilityResponse,
} from '@edgecr/protocol';
import type { CatalogRules } from './catalog/catalogRules.ts';
import {
  newRepositoryRecord,
  type RepositoryLayer,
  type RepositoryPage,
  type RepositoryQuery,
  type RepositoryRecord,
} from './catalog/records.ts';
import { paginationWithNames } from './errors.ts';
import type { UploadRef } from './ports/uploadStore.ts';
import type { LayerUploadRules } from './uploads/layerUploadRules.ts';
import type { PartRange } from './uploads/receivePart.ts';

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
    | 'putImage'
    | 'batchGetImage'
    | 'describeImages'
    | 'listImages'
    | 'batchDeleteImage'
    | 'putImageTagMutability'
  >
>;

/** One upload, as a host reaches it. */
export type UploadHandle = Reached<Pick<LayerUploadRules, 'begin' | 'uploadPart' | 'complete'>>;

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

  createRepository(input: CreateRepositoryRequest): Promise<RepositoryRecord> {
    return this.catalog.createRepository(newRepositoryRecord(input, new Date()));
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

  putImage(input: PutImageRequest): Promise<PutImageResponse> {
    return this.catalog.putImage(input);
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

  putImageTagMutability(input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
    return this.catalog.putImageTagMutability(input);
  }

  /** Starts an upload into an existing repository. */
  async initiateLayerUpload(repositoryName: string): Promise<{ uploadId: string; partSize: number }> {
    await this.catalog.requireRepository(repositoryName);
    const uploadId = crypto.randomUUID();
    await this.hosting.upload(uploadId).begin({
      registryId: this.registryId,
      repositoryName,
      uploadId,
      partSize: this.settings.partSize,
      ttlSeconds: this.settings.uploadTtlSeconds,
    });
    return { uploadId, partSize: this.settings.partSize };
  }

  /**
   * Streams a part to its upload. The body is read as it arrives; ending it short abandons the part.
   * @returns `lastByteReceived`.
   */
  uploadLayerPart(
    ref: Omit<UploadRef, 'registryId'>,
    range: PartRange,
    body: ReadableStream<Uint8Array>,
  ): Promise<number> {
    return this.hosting.upload(ref.uploadId).uploadPart(this.ref(ref), range, body);
  }

  /** @returns The layer's digest. */
  completeLayerUpload(ref: Omit<UploadRef, 'registryId'>, layerDigests: string[]): Promise<string> {
    return this.hosting.upload(ref.uploadId).complete(this.ref(ref), layerDigests);
  }

  checkLayers(repositoryName: string, digests: string[]): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.catalog.checkLayers(repositoryName, digests);
  }

  /** The stored layer, if the repository holds it, and whether an image of the repository references it. */
  findLayer(repositoryName: string, digest: string): Promise<RepositoryLayer | null> {
    return this.catalog.findLayer(repositoryName, digest);
  }

  private ref(ref: Omit<UploadRef, 'registryId'>): UploadRef {
    return { registryId: this.registryId, repositoryName: ref.repositoryName, uploadId: ref.uploadId };
  }
}
