import type { BatchDeleteImageRequest, BatchDeleteImageResponse } from '@edgecr/protocol';
import { repositoryNotFound } from '../errors.ts';
import { batchDeleteImage } from '../images/batchDeleteImage.ts';
import type { ImageContext } from '../images/store.ts';
import { DEFAULT_LIFECYCLE_INTERVAL_SECONDS, LifecycleRules } from '../lifecycle/lifecycleRules.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';
import type { RepositoryRecord } from './records.ts';

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
 * What every area of the catalog rules shares: one registry's stores, its clock and settings, and the
 * transaction helpers the areas open their transactions with. The areas (repositories.ts, layerCatalog.ts,
 * controlPlane.ts, maintenance.ts, the image rules of src/images) are functions over it.
 */
export class CatalogContext {
  /** The clock, epoch milliseconds. */
  readonly now: () => number;
  /** The grace of an unreferenced layer in milliseconds; `null` never sweeps. */
  readonly graceMs: number | null;
  /** The lifecycle policies, deleting through {@link CatalogContext.deleteImages}. */
  readonly lifecycle: LifecycleRules;

  constructor(
    readonly registryId: string,
    readonly store: CatalogStore,
    readonly blobs: BlobStore,
    options: CatalogOptions,
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

  /** The clock in whole epoch seconds, as ECR's timestamps. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /**
   * The repository's record.
   * @throws EcrError `RepositoryNotFoundException` when it does not exist.
   */
  require(tables: CatalogTransaction, repositoryName: string): RepositoryRecord {
    const record = tables.repository(repositoryName);
    if (!record) throw repositoryNotFound(this.registryId, repositoryName);
    return record;
  }

  /** The image rules' view of a transaction. */
  imageContext(tables: CatalogTransaction): ImageContext {
    return { store: tables, registryId: this.registryId, now: () => this.seconds() };
  }

  /** Runs an image rule (src/images) in one transaction, the transaction being its ImageStore. */
  images<A extends unknown[], O>(rule: (ctx: ImageContext, ...args: A) => O, ...args: A): Promise<O> {
    return this.store.transaction((tables) => rule(this.imageContext(tables), ...args));
  }

  /** Runs a layer rule (layers.ts) in one transaction, once the repository is known to exist. */
  layers<O>(repositoryName: string, rule: (tables: CatalogTransaction) => O): Promise<O> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      return rule(tables);
    });
  }

  /**
   * BatchDeleteImage's deletion, in the caller's transaction (a lifecycle run's too): the images go, and the
   * layers no image references any more start their grace period at `at` (epoch milliseconds).
   */
  deleteImages(
    tables: CatalogTransaction,
    input: BatchDeleteImageRequest,
    at: number,
  ): BatchDeleteImageResponse {
    const result = batchDeleteImage(this.imageContext(tables), input);
    tables.retimeUnreferencedLinks(input.repositoryName, at);
    return result;
  }
}
