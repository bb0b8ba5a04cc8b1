import { DurableObject } from 'cloudflare:workers';
import type {
  BatchDeleteImageRequest,
  BatchGetImageRequest,
  DescribeImagesRequest,
  GetLifecyclePolicyPreviewRequest,
  ListImagesRequest,
  PutImageRequest,
  PutImageTagMutabilityRequest,
  PutLifecyclePolicyRequest,
  StartLifecyclePolicyPreviewRequest,
  Tag,
} from '@edgecr/protocol';
import {
  CatalogRules,
  type LayerRecord,
  type ReferrersQuery,
  type RepositoryQuery,
  type RepositoryRecord,
} from '@edgecr/registry';
import { capture } from '../adapters/outcome.ts';
import { R2BlobStore } from '../adapters/r2BlobStore.ts';
import { SqlCatalogStore } from '../adapters/sqlCatalogStore.ts';
import { readSettings } from '../config.ts';

/**
 * Hosts one registry's catalog (named by the registry id): the core's CatalogRules over this object's SQLite
 * storage, images included. One object per registry makes every catalog change one serialisable transaction,
 * with the same consistency model as the uploads. Its alarm is the sweep of unreferenced layers and the run of lifecycle policies. Answers
 * travel as outcomes (see outcome.ts).
 */
export class Registry extends DurableObject<Env> {
  private readonly rules: CatalogRules;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const settings = readSettings(env);
    // One object per registry, named by its 12-digit id (`idFromName(registryId)`).
    this.rules = new CatalogRules(
      ctx.id.name as string,
      new SqlCatalogStore(ctx.storage),
      new R2BlobStore(env.LAYERS),
      {
        unreferencedLayerGraceSeconds: settings.unreferencedLayerGraceSeconds,
        lifecycleIntervalSeconds: settings.lifecycleIntervalSeconds,
      },
    );
    // A catalog from before the sweep or lifecycle policies (or whose alarm was lost) has no alarm: set it.
    void ctx.blockConcurrencyWhile(async () => {
      if ((await ctx.storage.getAlarm()) === null) await this.rules.schedule();
    });
  }

  /** The sweep of unreferenced layers, then the lifecycle policies that are due and previews in progress. */
  override async alarm(): Promise<void> {
    await this.rules.wake();
  }

  createRepository(record: RepositoryRecord) {
    return capture(() => this.rules.createRepository(record));
  }

  describeRepositories(query: RepositoryQuery) {
    return capture(() => this.rules.describeRepositories(query));
  }

  deleteRepository(repositoryName: string, force: boolean) {
    return capture(() => this.rules.deleteRepository(repositoryName, force));
  }

  putImage(input: PutImageRequest, alias?: string) {
    return capture(() => this.rules.putImage(input, alias));
  }

  batchGetImage(input: BatchGetImageRequest) {
    return capture(() => this.rules.batchGetImage(input));
  }

  describeImages(input: DescribeImagesRequest) {
    return capture(() => this.rules.describeImages(input));
  }

  listImages(input: ListImagesRequest) {
    return capture(() => this.rules.listImages(input));
  }

  batchDeleteImage(input: BatchDeleteImageRequest) {
    return capture(() => this.rules.batchDeleteImage(input));
  }

  referrers(query: ReferrersQuery) {
    return capture(() => this.rules.referrers(query));
  }

  putImageTagMutability(input: PutImageTagMutabilityRequest) {
    return capture(() => this.rules.putImageTagMutability(input));
  }

  tagRepository(repositoryName: string, tags: Tag[]) {
    return capture(() => this.rules.tagRepository(repositoryName, tags));
  }

  untagRepository(repositoryName: string, tagKeys: string[]) {
    return capture(() => this.rules.untagRepository(repositoryName, tagKeys));
  }

  putLifecyclePolicy(input: PutLifecyclePolicyRequest) {
    return capture(() => this.rules.putLifecyclePolicy(input));
  }

  getLifecyclePolicy(repositoryName: string) {
    return capture(() => this.rules.getLifecyclePolicy(repositoryName));
  }

  deleteLifecyclePolicy(repositoryName: string) {
    return capture(() => this.rules.deleteLifecyclePolicy(repositoryName));
  }

  startLifecyclePolicyPreview(input: StartLifecyclePolicyPreviewRequest) {
    return capture(() => this.rules.startLifecyclePolicyPreview(input));
  }

  getLifecyclePolicyPreview(input: GetLifecyclePolicyPreviewRequest) {
    return capture(() => this.rules.getLifecyclePolicyPreview(input));
  }

  requireRepository(repositoryName: string) {
    return capture(() => this.rules.requireRepository(repositoryName));
  }

  hasLayer(repositoryName: string, digest: string) {
    return capture(() => this.rules.hasLayer(repositoryName, digest));
  }

  registerLayer(repositoryName: string, layer: LayerRecord, alias?: string) {
    return capture(() => this.rules.registerLayer(repositoryName, layer, alias));
  }

  checkLayers(repositoryName: string, digests: string[]) {
    return capture(() => this.rules.checkLayers(repositoryName, digests));
  }

  findLayer(repositoryName: string, digest: string) {
    return capture(() => this.rules.findLayer(repositoryName, digest));
  }

  mountLayer(repositoryName: string, digest: string, from: string) {
    return capture(() => this.rules.mountLayer(repositoryName, digest, from));
  }

  layerHolders(digest: string, after: string, limit: number) {
    return capture(() => this.rules.layerHolders(digest, after, limit));
  }

  deleteLayer(repositoryName: string, digest: string) {
    return capture(() => this.rules.deleteLayer(repositoryName, digest));
  }

  objectInUse(objectKey: string) {
    return capture(() => this.rules.objectInUse(objectKey));
  }
}
