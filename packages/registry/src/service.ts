import type { CatalogRules } from './catalog/catalogRules.ts';
import { layerAlreadyExists } from './errors.ts';
import type { PartPolicy, UploadRef } from './ports/uploadStore.ts';
import {
  ECR_PART_POLICY,
  type LayerCatalog,
  type LayerUploadRules,
  OCI_PART_POLICY,
} from './uploads/layerUploadRules.ts';
import type { OpenPartRange } from './uploads/receivePart.ts';

/** How many holders of a blob one catalog call returns to an anonymous mount. */
const HOLDERS_PAGE = 100;

/**
 * How many holders of a blob an anonymous mount looks at, at most: a key limited to prefixes that no holder
 * matches costs this many names read, not one per repository of the registry.
 */
const ANONYMOUS_MOUNT_HOLDERS = 1000;

/**
 * The catalog rules doors reach: a new catalog operation is its rule in CatalogRules plus one line here. A
 * host serves exactly these (and {@link LAYER_CATALOG_METHODS}) through its one generic call.
 */
export const CATALOG_METHODS = [
  'createRepository',
  'describeRepositories',
  'deleteRepository',
  'pushTarget',
  'checkLayers',
  'findLayer',
  'mountLayer',
  'layerHolders',
  'deleteLayer',
  'putImage',
  'batchGetImage',
  'recordPulls',
  'describeImages',
  'listImages',
  'batchDeleteImage',
  'putImageTagMutability',
  'referrers',
  'putLifecyclePolicy',
  'getLifecyclePolicy',
  'deleteLifecyclePolicy',
  'startLifecyclePolicyPreview',
  'getLifecyclePolicyPreview',
  'tagRepository',
  'untagRepository',
  'repositoryTags',
  'createRepositoryCreationTemplate',
  'describeRepositoryCreationTemplates',
  'updateRepositoryCreationTemplate',
  'deleteRepositoryCreationTemplate',
  'setRepositoryPolicy',
  'getRepositoryPolicy',
  'deleteRepositoryPolicy',
  'accessPolicy',
  'createPullThroughCacheRule',
  'describePullThroughCacheRules',
  'updatePullThroughCacheRule',
  'deletePullThroughCacheRule',
  'pullThroughRule',
  'pullImage',
  'upstreamChecked',
  'storePulledImage',
  'upstreamBlob',
  'pullThroughTarget',
  // The pull path registers the blobs it stores itself (pullThrough/blobLanding.ts).
  'registerLayer',
] as const satisfies readonly (keyof CatalogRules)[];

/** The catalog rules an upload reaches (see LayerCatalog); never a door. */
export const LAYER_CATALOG_METHODS = [
  'hasLayer',
  'registerLayer',
  'objectInUse',
] as const satisfies readonly (keyof LayerCatalog)[];

/** The upload rules a host serves through its one generic call. */
export const UPLOAD_METHODS = [
  'begin',
  'uploadPart',
  'complete',
  'completeBlob',
  'received',
  'cancel',
] as const satisfies readonly (keyof LayerUploadRules)[];

/** Methods of `T` as a host reaches them: each returns a promise (a local call or an RPC). */
export type Reached<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

/** One registry's catalog, as a host reaches it (its rule object in process, or a Durable Object by RPC). */
export type CatalogHandle = Reached<Pick<CatalogRules, (typeof CATALOG_METHODS)[number]>>;

/** One upload, as a host reaches it. */
export type UploadHandle = Reached<Pick<LayerUploadRules, (typeof UPLOAD_METHODS)[number]>>;

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
 * The registry as a service: one registry's catalog (its rules, called as they are) and what spans the catalog
 * and the uploads, whatever hosts the rules. Doors call this and nothing else.
 * @example
 * const registry = new RegistryService('123456789012', new MemoryHost(), { partSize: 10 * MiB, uploadTtlSeconds: 86_400 });
 * await registry.catalog.createRepository({ repositoryName: 'app' });
 * const { uploadId } = await registry.initiateLayerUpload('app');
 */
export class RegistryService {
  /** The registry's catalog rules: repositories, images and layers. */
  readonly catalog: CatalogHandle;

  constructor(
    readonly registryId: string,
    private readonly hosting: RegistryHosting,
    private readonly settings: UploadSettings,
  ) {
    this.catalog = hosting.catalog(registryId);
  }

  /** Starts an upload (a missing repository is created first when a CREATE_ON_PUSH template covers it). */
  async initiateLayerUpload(repositoryName: string): Promise<{ uploadId: string; partSize: number }> {
    await this.catalog.pushTarget(repositoryName);
    return { uploadId: await this.begin(repositoryName, ECR_PART_POLICY), partSize: this.settings.partSize };
  }

  /**
   * Starts an OCI blob upload: the same upload as InitiateLayerUpload's, taking chunks of any size.
   * @returns The upload id.
   */
  async startBlobUpload(repositoryName: string): Promise<string> {
    await this.catalog.pushTarget(repositoryName);
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

  /**
   * CompleteLayerUpload: a layer the repository already held is ECR's LayerAlreadyExistsException.
   * @returns The layer's digest.
   */
  async completeLayerUpload(ref: Omit<UploadRef, 'registryId'>, layerDigests: string[]): Promise<string> {
    const completion = await this.hosting.upload(ref.uploadId).complete(this.ref(ref), layerDigests);
    if (completion.state === 'present') {
      throw layerAlreadyExists(this.registryId, ref.repositoryName, completion.named);
    }
    return completion.layerDigest;
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
    await this.hosting.upload(ref.uploadId).completeBlob(this.ref(ref), digest);
    return digest.toLowerCase();
  }

  /**
   * Links a blob that repository `from` holds into `repositoryName` (an OCI cross-repository mount): no bytes
   * are copied. The caller checks it may read `from`.
   * @returns Whether `repositoryName` now holds the blob; false when `from` does not hold it.
   */
  async mountBlob(repositoryName: string, digest: string, from: string): Promise<boolean> {
    await this.catalog.pushTarget(repositoryName);
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
    mayRead: (repositoryName: string) => boolean | Promise<boolean>,
  ): Promise<boolean> {
    await this.catalog.pushTarget(repositoryName);
    let after = '';
    for (let seen = 0; seen < ANONYMOUS_MOUNT_HOLDERS; seen += HOLDERS_PAGE) {
      const holders = await this.catalog.layerHolders(digest, after, HOLDERS_PAGE);
      for (const from of holders) {
        // mountLayer checks again in its own transaction: the holder may have let the blob go since.
        if ((await mayRead(from)) && (await this.catalog.mountLayer(repositoryName, digest, from)))
          return true;
      }
      const last = holders.at(-1);
      if (holders.length < HOLDERS_PAGE || last === undefined) return false;
      after = last;
    }
    return false;
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
