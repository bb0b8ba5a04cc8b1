import type {
  BatchDeleteImageRequest,
  BatchDeleteImageResponse,
  DeleteLifecyclePolicyResponse,
  GetLifecyclePolicyPreviewRequest,
  GetLifecyclePolicyPreviewResponse,
  GetLifecyclePolicyResponse,
  PutLifecyclePolicyRequest,
  PutLifecyclePolicyResponse,
  StartLifecyclePolicyPreviewRequest,
  StartLifecyclePolicyPreviewResponse,
} from '@edgecr/protocol';
import { batchGetImage } from '../images/batchGetImage.ts';
import { describeImages, listImages } from '../images/listing.ts';
import { putImage } from '../images/putImage.ts';
import { recordPulls } from '../images/recordPulls.ts';
import { referrers } from '../images/referrers.ts';
import type { ImageContext } from '../images/store.ts';
import { putImageTagMutability } from '../images/tagMutability.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore } from '../ports/catalogStore.ts';
import { CatalogContext, type CatalogOptions } from './context.ts';
import * as controlPlane from './controlPlane.ts';
import * as layers from './layerCatalog.ts';
import * as maintenance from './maintenance.ts';
import * as pullThroughCache from './pullThroughCache.ts';
import * as repositories from './repositories.ts';

/**
 * The rules of one registry's catalog: repositories, content-addressed blobs, which repository holds which
 * layer, images, and the control plane, each run as one transaction of the store, with the blob store's I/O
 * after the commit; the host serialises calls per registry. This class is their one public surface; the rules
 * live by area, as functions over a shared {@link CatalogContext} (context.ts: the stores, the clock and the
 * transaction helpers `require`, `images`, `layers`):
 *
 * - repositories.ts: create, describe, delete, and the repository a push goes to;
 * - src/images: the image rules, each run in one transaction (`image` below);
 * - layerCatalog.ts: the layers as the doors and the uploads reach them (the rules in layers.ts);
 * - controlPlane.ts: repository tags, creation templates and repository policies; lifecycle policies are the context's
 *   LifecycleRules (src/lifecycle);
 * - pullThroughCache.ts: pull-through cache rules and a pull's read of an image with its rule;
 * - maintenance.ts: the host's wake-up, the wake-ups the catalog asks for, the sweep, reclaiming bytes.
 *
 * A new operation is a function `(ctx: CatalogContext, ...args)` in its area's file (a new area: a new file
 * under src/<area>/), one line in its group below, and its name in CATALOG_METHODS (service.ts) if a door
 * reaches it. What the context does itself (the image deletion lifecycle runs share, LifecycleRules'
 * operations) is thin methods at the end.
 * @example
 * const catalog = new CatalogRules('123456789012', new MemoryCatalogStore(), new MemoryBlobStore());
 * await catalog.createRepository({ repositoryName: 'app' });
 */
export class CatalogRules {
  private readonly ctx: CatalogContext;

  constructor(registryId: string, store: CatalogStore, blobs: BlobStore, options: CatalogOptions = {}) {
    this.ctx = new CatalogContext(registryId, store, blobs, options);
  }

  // Repositories (repositories.ts).
  readonly createRepository = this.run(repositories.createRepository);
  readonly pushTarget = this.run(repositories.pushTarget);
  readonly pullThroughTarget = this.run(repositories.pullThroughTarget);
  readonly describeRepositories = this.run(repositories.describeRepositories);
  readonly deleteRepository = this.run(repositories.deleteRepository);

  // Images (src/images).
  readonly putImage = this.image(putImage);
  readonly batchGetImage = this.image(batchGetImage);
  readonly recordPulls = this.image(recordPulls);
  readonly describeImages = this.image(describeImages);
  readonly listImages = this.image(listImages);
  readonly putImageTagMutability = this.image(putImageTagMutability);
  readonly referrers = this.image(referrers);

  // Layers, as the doors and the uploads reach them (layerCatalog.ts).
  readonly hasLayer = this.run(layers.hasLayer);
  readonly registerLayer = this.run(layers.registerLayer);
  readonly checkLayers = this.run(layers.checkLayers);
  readonly findLayer = this.run(layers.findLayer);
  readonly mountLayer = this.run(layers.mountLayer);
  readonly layerHolders = this.run(layers.layerHolders);
  readonly deleteLayer = this.run(layers.deleteLayer);
  readonly objectInUse = this.run(layers.objectInUse);

  // Repository tags, creation templates and repository policies (controlPlane.ts).
  readonly tagRepository = this.run(controlPlane.tagRepository);
  readonly untagRepository = this.run(controlPlane.untagRepository);
  readonly repositoryTags = this.run(controlPlane.repositoryTags);
  readonly createRepositoryCreationTemplate = this.run(controlPlane.createRepositoryCreationTemplate);
  readonly describeRepositoryCreationTemplates = this.run(controlPlane.describeRepositoryCreationTemplates);
  readonly updateRepositoryCreationTemplate = this.run(controlPlane.updateRepositoryCreationTemplate);
  readonly deleteRepositoryCreationTemplate = this.run(controlPlane.deleteRepositoryCreationTemplate);
  readonly setRepositoryPolicy = this.run(controlPlane.setRepositoryPolicy);
  readonly getRepositoryPolicy = this.run(controlPlane.getRepositoryPolicy);
  readonly deleteRepositoryPolicy = this.run(controlPlane.deleteRepositoryPolicy);
  readonly accessPolicy = this.run(controlPlane.accessPolicy);

  // Pull-through cache rules and a pull's read (pullThroughCache.ts).
  readonly createPullThroughCacheRule = this.run(pullThroughCache.createPullThroughCacheRule);
  readonly describePullThroughCacheRules = this.run(pullThroughCache.describePullThroughCacheRules);
  readonly updatePullThroughCacheRule = this.run(pullThroughCache.updatePullThroughCacheRule);
  readonly deletePullThroughCacheRule = this.run(pullThroughCache.deletePullThroughCacheRule);
  readonly pullThroughRule = this.run(pullThroughCache.pullThroughRule);
  readonly pullImage = this.run(pullThroughCache.pullImage);
  readonly upstreamChecked = this.run(pullThroughCache.upstreamChecked);
  readonly storePulledImage = this.run(pullThroughCache.storePulledImage);
  readonly upstreamBlob = this.run(pullThroughCache.upstreamBlob);

  // The host's wake-ups, the sweep (maintenance.ts).
  readonly wake = this.run(maintenance.wake);
  readonly schedule = this.run(maintenance.schedule);
  readonly sweep = this.run(maintenance.sweep);
  readonly scheduleSweep = this.run(maintenance.scheduleSweep);

  /**
   * BatchDeleteImage. The layers stay linked; those no image references any more start their grace period
   * now (every unreferenced layer of the repository does, which only ever keeps a layer longer), so a client
   * that deletes an image and pushes it again finds its layers still there.
   */
  batchDeleteImage(input: BatchDeleteImageRequest): Promise<BatchDeleteImageResponse> {
    const at = this.ctx.now();
    return this.ctx.store.transaction((tables) => this.ctx.deleteImages(tables, input, at));
  }

  /** PutLifecyclePolicy (lifecycleRules.ts, as are the four below). */
  putLifecyclePolicy(input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
    return this.ctx.lifecycle.putLifecyclePolicy(input);
  }

  getLifecyclePolicy(repositoryName: string): Promise<GetLifecyclePolicyResponse> {
    return this.ctx.lifecycle.getLifecyclePolicy(repositoryName);
  }

  deleteLifecyclePolicy(repositoryName: string): Promise<DeleteLifecyclePolicyResponse> {
    return this.ctx.lifecycle.deleteLifecyclePolicy(repositoryName);
  }

  startLifecyclePolicyPreview(
    input: StartLifecyclePolicyPreviewRequest,
  ): Promise<StartLifecyclePolicyPreviewResponse> {
    return this.ctx.lifecycle.startLifecyclePolicyPreview(input);
  }

  getLifecyclePolicyPreview(
    input: GetLifecyclePolicyPreviewRequest,
  ): Promise<GetLifecyclePolicyPreviewResponse> {
    return this.ctx.lifecycle.getLifecyclePolicyPreview(input);
  }

  /** An area's operation as a method of this catalog: the function with this catalog's context first. */
  private run<A extends unknown[], R>(
    operation: (ctx: CatalogContext, ...args: A) => Promise<R>,
  ): (...args: A) => Promise<R> {
    // The context is read at call time: the fields above are set before the constructor's body runs.
    return (...args) => operation(this.ctx, ...args);
  }

  /** An image rule (src/images) as a method of this catalog: one transaction, the transaction its store. */
  private image<A extends unknown[], R>(
    rule: (ctx: ImageContext, ...args: A) => R,
  ): (...args: A) => Promise<R> {
    return (...args) => this.ctx.images(rule, ...args);
  }
}
