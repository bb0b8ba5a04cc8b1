import type {
  BatchCheckLayerAvailabilityResponse,
  BatchDeleteImageRequest,
  BatchDeleteImageResponse,
  BatchGetImageRequest,
  BatchGetImageResponse,
  CreateRepositoryCreationTemplateRequest,
  CreateRepositoryCreationTemplateResponse,
  CreateRepositoryRequest,
  DeleteLifecyclePolicyResponse,
  DeleteRepositoryCreationTemplateResponse,
  DescribeImagesRequest,
  DescribeImagesResponse,
  DescribeRepositoryCreationTemplatesRequest,
  DescribeRepositoryCreationTemplatesResponse,
  GetLifecyclePolicyPreviewRequest,
  GetLifecyclePolicyPreviewResponse,
  GetLifecyclePolicyResponse,
  ListImagesRequest,
  ListImagesResponse,
  PutImageRequest,
  PutImageTagMutabilityRequest,
  PutImageTagMutabilityResponse,
  PutLifecyclePolicyRequest,
  PutLifecyclePolicyResponse,
  StartLifecyclePolicyPreviewRequest,
  StartLifecyclePolicyPreviewResponse,
  Tag,
  UpdateRepositoryCreationTemplateRequest,
  UpdateRepositoryCreationTemplateResponse,
} from '@edgecr/protocol';
import { paginationWithNames, repositoryAlreadyExists, repositoryNotFound } from '../errors.ts';
import { batchDeleteImage, checkRepositoryDeletable } from '../images/batchDeleteImage.ts';
import { batchGetImage } from '../images/batchGetImage.ts';
import { describeImages, listImages } from '../images/listing.ts';
import { type ImagePut, putImage } from '../images/putImage.ts';
import { type PullRecord, recordPulls } from '../images/recordPulls.ts';
import { type ReferrerDescriptor, type ReferrersQuery, referrers } from '../images/referrers.ts';
import { canonicalDigest, type ImageContext } from '../images/store.ts';
import { putImageTagMutability } from '../images/tagMutability.ts';
import { DEFAULT_LIFECYCLE_INTERVAL_SECONDS, LifecycleRules } from '../lifecycle/lifecycleRules.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';
import type { TemplateRecord } from '../templates/records.ts';
import {
  createTemplate,
  deleteTemplate,
  describeTemplates,
  templateFor,
  updateTemplate,
  withTemplate,
} from '../templates/templateRules.ts';
import { checkLayers, deleteLayer, findLayer, layerHolders, linkLayer, mountLayer } from './layers.ts';
import { DELETE_BATCH, deleteObjects, releaseBlob } from './orphans.ts';
import { decodePageToken, encodePageToken } from './pageToken.ts';
import {
  type LayerDeletion,
  type LayerRecord,
  newRepositoryRecord,
  type Registration,
  type RepositoryLayer,
  type RepositoryPage,
  type RepositoryQuery,
  type RepositoryRecord,
} from './records.ts';
import { addTags, removeTags } from './repositoryTags.ts';
import { sweepLinks } from './sweep.ts';

/** DescribeRepositories' page size when the request names none (ECR's default). */
const DEFAULT_PAGE_SIZE = 100;

/** How a catalog keeps time and reclaims layers; every member has a default. */
export interface CatalogOptions {
  /** The clock, epoch milliseconds; `Date.now` by default. */
  now?: () => number;
  /**
   * How long a layer may stay linked to a repository with no image of it referencing it before the sweep
   * unlinks it (and deletes its bytes when no other repository holds them); `null` never sweeps. Seven
   * days by default.
   */
  unreferencedLayerGraceSeconds?: number | null;
  /** How often each repository's lifecycle policy runs; hourly by default. */
  lifecycleIntervalSeconds?: number;
}

/** The default grace of an unreferenced layer: seven days. */
export const DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS = 7 * 86_400;

/**
 * The rules of one registry's catalog: repositories, content-addressed blobs, which repository holds which
 * layer (the layer rules, layers.ts) and images (the image rules, src/images), each run as one transaction of
 * the store, with the blob store's I/O after the commit; the host serialises calls per registry.
 * @example
 * const catalog = new CatalogRules('123456789012', new MemoryCatalogStore(), new MemoryBlobStore());
 * await catalog.createRepository({ repositoryName: 'app' });
 */
export class CatalogRules {
  private readonly now: () => number;
  private readonly graceMs: number | null;
  private readonly lifecycle: LifecycleRules;

  constructor(
    private readonly registryId: string,
    private readonly store: CatalogStore,
    private readonly blobs: BlobStore,
    options: CatalogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const grace = options.unreferencedLayerGraceSeconds;
    this.graceMs = grace === null ? null : (grace ?? DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS) * 1000;
    this.lifecycle = new LifecycleRules(
      registryId,
      store,
      (tables, input, at) => this.deleteImages(tables, input, at),
      {
        now: this.now,
        intervalSeconds: options.lifecycleIntervalSeconds ?? DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
      },
    );
  }

  /**
   * CreateRepository: the request's settings, what it leaves unset from the creation template its name falls
   * under (beyond ECR, which applies templates only to repositories it creates itself), ECR's defaults for the
   * rest.
   */
  async createRepository(input: CreateRepositoryRequest): Promise<RepositoryRecord> {
    const { record, policy } = await this.store.transaction((tables) => {
      if (tables.repository(input.repositoryName)) {
        throw repositoryAlreadyExists(this.registryId, input.repositoryName);
      }
      return this.insertRepository(tables, input, templateFor(tables, input.repositoryName));
    });
    if (policy) await this.lifecycle.schedule();
    return record;
  }

  /**
   * The repository an OCI push goes to: `present`, or `created` when `create` allows it (an operator's choice)
   * or a creation template applied for CREATE_ON_PUSH covers the name (ECR's way); the new repository takes
   * that template's settings. Otherwise a missing repository is RepositoryNotFoundException, as ECR answers
   * such a push. One transaction, so two pushes racing to create it both succeed.
   */
  async pushTarget(repositoryName: string, create: boolean): Promise<'present' | 'created'> {
    const policy = await this.store.transaction((tables) => {
      if (tables.repository(repositoryName)) return null;
      const template = templateFor(tables, repositoryName, 'CREATE_ON_PUSH');
      if (!create && !template) throw repositoryNotFound(this.registryId, repositoryName);
      return this.insertRepository(tables, { repositoryName }, template).policy;
    });
    if (policy) await this.lifecycle.schedule();
    return policy === null ? 'present' : 'created';
  }

  /** Named repositories (all must exist), or a page of all of them in name order; not both. */
  describeRepositories(query: RepositoryQuery): Promise<RepositoryPage> {
    if (query.repositoryNames && (query.maxResults !== undefined || query.nextToken !== undefined)) {
      return Promise.reject(paginationWithNames());
    }
    return this.store.transaction((tables) => {
      if (query.repositoryNames) {
        return { repositories: query.repositoryNames.map((name) => this.require(tables, name)) };
      }
      const after = query.nextToken === undefined ? '' : decodePageToken(query.nextToken).after;
      const limit = query.maxResults ?? DEFAULT_PAGE_SIZE;
      const rows = tables.repositoriesAfter(after, limit + 1);
      const repositories = rows.slice(0, limit);
      const last = repositories.at(-1);
      return rows.length > limit && last
        ? { repositories, nextToken: encodePageToken({ after: last.repositoryName }) }
        : { repositories };
    });
  }

  /**
   * Deletes a repository, its images (only with `force`: a repository holding images is refused otherwise)
   * and its links to layers, then the bytes of every blob no other repository holds.
   */
  async deleteRepository(repositoryName: string, force = false): Promise<RepositoryRecord> {
    const { record, orphans } = await this.store.transaction((tables) => {
      const record = this.require(tables, repositoryName);
      checkRepositoryDeletable(this.imageContext(tables), repositoryName, force);
      tables.deleteAllImages(repositoryName);
      tables.deleteLifecycle(repositoryName);
      tables.deleteRepository(repositoryName);
      const orphans: string[] = [];
      for (const digest of tables.unlinkAll(repositoryName)) {
        const orphan = releaseBlob(tables, digest);
        if (orphan) orphans.push(orphan);
      }
      return { record, orphans };
    });
    // The rows are gone first: a completion racing this finds no blob and stores its own copy.
    await this.reclaim(orphans);
    return record;
  }

  /** PutImage; `alias` is the manifest's checked sha512 digest, when its client named it so (see putImage). */
  putImage(input: PutImageRequest, alias?: string): Promise<ImagePut> {
    return this.store.transaction((tables) => putImage(this.imageContext(tables), input, alias));
  }

  /** BatchGetImage (a read: the doors record the pull with recordPulls). */
  batchGetImage(input: BatchGetImageRequest): Promise<BatchGetImageResponse> {
    return this.images(batchGetImage, input);
  }

  /** Records the pulls a door served (images/recordPulls.ts), at most once a day per image. */
  recordPulls(input: PullRecord): Promise<void> {
    return this.images(recordPulls, input);
  }

  /** DescribeImages. */
  describeImages(input: DescribeImagesRequest): Promise<DescribeImagesResponse> {
    return this.images(describeImages, input);
  }

  /** ListImages. */
  listImages(input: ListImagesRequest): Promise<ListImagesResponse> {
    return this.images(listImages, input);
  }

  /**
   * BatchDeleteImage. The layers stay linked; those no image references any more start their grace period
   * now (every unreferenced layer of the repository does, which only ever keeps a layer longer), so a client
   * that deletes an image and pushes it again finds its layers still there.
   */
  async batchDeleteImage(input: BatchDeleteImageRequest): Promise<BatchDeleteImageResponse> {
    const at = this.now();
    return await this.store.transaction((tables) => this.deleteImages(tables, input, at));
  }

  /** PutLifecyclePolicy (lifecycleRules.ts, as are the four below). */
  putLifecyclePolicy(input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
    return this.lifecycle.putLifecyclePolicy(input);
  }

  getLifecyclePolicy(repositoryName: string): Promise<GetLifecyclePolicyResponse> {
    return this.lifecycle.getLifecyclePolicy(repositoryName);
  }

  deleteLifecyclePolicy(repositoryName: string): Promise<DeleteLifecyclePolicyResponse> {
    return this.lifecycle.deleteLifecyclePolicy(repositoryName);
  }

  startLifecyclePolicyPreview(
    input: StartLifecyclePolicyPreviewRequest,
  ): Promise<StartLifecyclePolicyPreviewResponse> {
    return this.lifecycle.startLifecyclePolicyPreview(input);
  }

  getLifecyclePolicyPreview(
    input: GetLifecyclePolicyPreviewRequest,
  ): Promise<GetLifecyclePolicyPreviewResponse> {
    return this.lifecycle.getLifecyclePolicyPreview(input);
  }

  /** The referrers of a manifest (the OCI door's referrers API). */
  referrers(query: ReferrersQuery): Promise<ReferrerDescriptor[]> {
    return this.images(referrers, query);
  }

  /** TagResource on a repository (repositoryTags.ts has the rules). */
  tagRepository(repositoryName: string, tags: Tag[]): Promise<void> {
    return this.store.transaction((tables) => {
      const record = this.require(tables, repositoryName);
      tables.setRepositoryTags(repositoryName, addTags(record.tags, tags));
    });
  }

  /** UntagResource on a repository. */
  untagRepository(repositoryName: string, tagKeys: string[]): Promise<void> {
    return this.store.transaction((tables) => {
      const record = this.require(tables, repositoryName);
      tables.setRepositoryTags(repositoryName, removeTags(record.tags, tagKeys));
    });
  }

  /** ListTagsForResource on a repository. */
  repositoryTags(repositoryName: string): Promise<Tag[]> {
    return this.store.transaction((tables) => this.require(tables, repositoryName).tags);
  }

  /** CreateRepositoryCreationTemplate (templateRules.ts has the rules, as for the three below). */
  async createRepositoryCreationTemplate(
    input: CreateRepositoryCreationTemplateRequest,
  ): Promise<CreateRepositoryCreationTemplateResponse> {
    const template = await this.store.transaction((tables) =>
      createTemplate(tables, this.registryId, input, this.seconds()),
    );
    return { registryId: this.registryId, repositoryCreationTemplate: template };
  }

  describeRepositoryCreationTemplates(
    input: DescribeRepositoryCreationTemplatesRequest,
  ): Promise<DescribeRepositoryCreationTemplatesResponse> {
    return this.store.transaction((tables) => describeTemplates(tables, this.registryId, input));
  }

  async updateRepositoryCreationTemplate(
    input: UpdateRepositoryCreationTemplateRequest,
  ): Promise<UpdateRepositoryCreationTemplateResponse> {
    const template = await this.store.transaction((tables) =>
      updateTemplate(tables, this.registryId, input, this.seconds()),
    );
    return { registryId: this.registryId, repositoryCreationTemplate: template };
  }

  async deleteRepositoryCreationTemplate(prefix: string): Promise<DeleteRepositoryCreationTemplateResponse> {
    const template = await this.store.transaction((tables) =>
      deleteTemplate(tables, this.registryId, prefix),
    );
    return { registryId: this.registryId, repositoryCreationTemplate: template };
  }

  /** PutImageTagMutability. */
  putImageTagMutability(input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
    return this.images(putImageTagMutability, input);
  }

  /**
   * The host's wake-up (the Registry object's alarm): the lifecycle policies, then the layer sweep, which so
   * schedules itself for the layers the policies' deletions left unreferenced.
   */
  async wake(): Promise<void> {
    await this.lifecycle.run();
    await this.sweep();
  }

  /** Asks for the wake-ups the catalog needs, for a host starting up with none set. */
  async schedule(): Promise<void> {
    await this.scheduleSweep();
    await this.lifecycle.schedule();
  }

  /**
   * The layer sweep: unlinks the layers no image references that were linked longer than the
   * grace period ago, deletes the bytes no repository holds any more (rows first, as deleteRepository), and
   * asks for the next wake-up. A layer pushed just before its image is younger than the grace, so it stays.
   */
  async sweep(): Promise<void> {
    // First the bytes a deletion left behind (its host died, or the blob store failed, after the commit).
    await this.reclaim(await this.store.transaction((tables) => tables.queuedObjectDeletions(DELETE_BATCH)));
    if (this.graceMs !== null) {
      const cutoff = this.now() - this.graceMs;
      await this.reclaim(await this.store.transaction((tables) => sweepLinks(tables, cutoff)));
    }
    await this.scheduleSweep();
  }

  /**
   * Asks for a wake-up: now while object deletions are queued, else when the oldest unreferenced link passes
   * the grace period (none: no wake-up).
   */
  async scheduleSweep(): Promise<void> {
    const { queued, oldest } = await this.store.transaction((tables) => ({
      queued: tables.queuedObjectDeletions(1).length > 0,
      oldest: tables.unreferencedLinks(1)[0],
    }));
    if (queued) await this.store.wakeBy(this.now());
    else if (oldest && this.graceMs !== null) {
      await this.store.wakeBy(Math.max(oldest.linkedAt + this.graceMs, this.now()));
    }
  }

  /**
   * Whether the repository already holds the layer (then CompleteLayerUpload answers it already exists), by
   * its sha256 digest or a known alias.
   */
  hasLayer(repositoryName: string, digest: string): Promise<boolean> {
    return this.store.transaction((tables) => tables.linked(repositoryName, canonicalDigest(tables, digest)));
  }

  /**
   * Puts a stored layer in a repository. If another repository already has the same bytes, the repository is
   * linked to that blob and the caller deletes its own copy ('linked'): one copy per digest, and no copying.
   * `alias`, the layer's sha512 digest its client named it by, is recorded first: a repository that already
   * held the layer ('present', the caller deletes its copy and answers it already exists) learns that name too.
   */
  async registerLayer(repositoryName: string, layer: LayerRecord, alias?: string): Promise<Registration> {
    const linkedAt = this.now();
    const registration = await this.layers(repositoryName, (tables) =>
      linkLayer(tables, repositoryName, layer, alias, linkedAt),
    );
    const linked = registration === 'created' || registration === 'linked';
    if (linked && this.graceMs !== null) await this.store.wakeBy(linkedAt + this.graceMs);
    return registration;
  }

  /** BatchCheckLayerAvailability for one repository. */
  checkLayers(repositoryName: string, digests: string[]): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.layers(repositoryName, (tables) => checkLayers(tables, repositoryName, digests));
  }

  /** The stored layer, if the repository holds it, and whether an image of it references it (layers.ts). */
  findLayer(repositoryName: string, digest: string): Promise<RepositoryLayer | null> {
    return this.layers(repositoryName, (tables) => findLayer(tables, repositoryName, digest));
  }

  /**
   * Links a blob repository `from` holds into `repositoryName` (an OCI mount), copying nothing.
   * @returns Whether `repositoryName` holds the blob now; false when `from` does not exist or lacks it.
   */
  async mountLayer(repositoryName: string, named: string, from: string): Promise<boolean> {
    const linkedAt = this.now();
    const mounted = await this.layers(repositoryName, (tables) =>
      mountLayer(tables, repositoryName, named, from, linkedAt),
    );
    // A mounted layer is a new link like an uploaded one: the sweep reclaims it if no image comes to use it.
    if (mounted === 'linked' && this.graceMs !== null) await this.store.wakeBy(linkedAt + this.graceMs);
    return mounted !== 'absent';
  }

  /** A page of the repositories holding a blob, in name order (layers.ts). */
  layerHolders(named: string, after: string, limit: number): Promise<string[]> {
    return this.store.transaction((tables) => layerHolders(tables, named, after, limit));
  }

  /**
   * Takes a blob out of a repository (an OCI blob `DELETE`): the repository's link goes, and the bytes once no
   * repository holds them (rows first, then the blob store, as deleteRepository). A blob an image of the
   * repository references is refused ('referenced'): deleting it would break that image.
   */
  async deleteLayer(repositoryName: string, digest: string): Promise<LayerDeletion> {
    const { deletion, orphan } = await this.layers(repositoryName, (tables) =>
      deleteLayer(tables, repositoryName, digest),
    );
    if (orphan) await this.reclaim([orphan]);
    return deletion;
  }

  /** Whether any blob is stored under the key (an upload's expiry must not delete catalogued bytes). */
  objectInUse(objectKey: string): Promise<boolean> {
    return this.store.transaction((tables) => tables.blobAt(objectKey));
  }

  /**
   * Deletes the bytes of blobs a committed transaction released and queued, then forgets them. A failure
   * leaves them queued and asks for a wake-up: the sweep deletes them.
   */
  private async reclaim(objectKeys: string[]): Promise<void> {
    if (objectKeys.length === 0) return;
    try {
      await deleteObjects(this.blobs, objectKeys);
    } catch (error) {
      await this.store.wakeBy(this.now()).catch(() => undefined);
      throw error;
    }
    await this.store.transaction((tables) => tables.forgetObjectDeletions(objectKeys));
  }

  /**
   * Stores a new repository from a request completed by its template, with the template's lifecycle policy
   * (its first run due an interval later, as after PutLifecyclePolicy; the caller schedules it when `policy`).
   */
  private insertRepository(
    tables: CatalogTransaction,
    input: CreateRepositoryRequest,
    template: TemplateRecord | undefined,
  ): { record: RepositoryRecord; policy: boolean } {
    const record = newRepositoryRecord(withTemplate(input, template), new Date(this.now()));
    tables.insertRepository(record);
    if (template?.lifecyclePolicy) {
      tables.putLifecycle({
        repositoryName: record.repositoryName,
        policyText: template.lifecyclePolicy,
        policySetAt: this.now() / 1000,
      });
    }
    return { record, policy: Boolean(template?.lifecyclePolicy) };
  }

  /** The clock in whole epoch seconds, as ECR's timestamps. */
  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private require(tables: CatalogTransaction, repositoryName: string): RepositoryRecord {
    const record = tables.repository(repositoryName);
    if (!record) throw repositoryNotFound(this.registryId, repositoryName);
    return record;
  }

  /** Runs an image rule in one transaction, the transaction being its ImageStore. */
  private images<I, O>(rule: (ctx: ImageContext, input: I) => O, input: I): Promise<O> {
    return this.store.transaction((tables) => rule(this.imageContext(tables), input));
  }

  /**
   * BatchDeleteImage's deletion, in the caller's transaction (a lifecycle run's too): the images go, and the
   * layers no image references any more start their grace period at `at` (epoch milliseconds).
   */
  private deleteImages(
    tables: CatalogTransaction,
    input: BatchDeleteImageRequest,
    at: number,
  ): BatchDeleteImageResponse {
    const result = batchDeleteImage(this.imageContext(tables), input);
    tables.retimeUnreferencedLinks(input.repositoryName, at);
    return result;
  }

  private imageContext(tables: CatalogTransaction): ImageContext {
    return { store: tables, registryId: this.registryId, now: () => Math.floor(this.now() / 1000) };
  }

  /** Runs a layer rule in one transaction, once the repository is known to exist. */
  private layers<O>(repositoryName: string, rule: (tables: CatalogTransaction) => O): Promise<O> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      return rule(tables);
    });
  }
}
