import {
  type BatchCheckLayerAvailabilityResponse,
  type BatchDeleteImageRequest,
  type BatchDeleteImageResponse,
  type BatchGetImageRequest,
  type BatchGetImageResponse,
  type DescribeImagesRequest,
  type DescribeImagesResponse,
  type ListImagesRequest,
  type ListImagesResponse,
  type PutImageRequest,
  type PutImageResponse,
  type PutImageTagMutabilityRequest,
  type PutImageTagMutabilityResponse,
  SHA256_DIGEST,
} from '@edgecr/protocol';
import { repositoryAlreadyExists, repositoryNotFound } from '../errors.ts';
import { batchDeleteImage, checkRepositoryDeletable } from '../images/batchDeleteImage.ts';
import { batchGetImage } from '../images/batchGetImage.ts';
import { describeImages, listImages } from '../images/listing.ts';
import { putImage } from '../images/putImage.ts';
import { type ReferrerDescriptor, type ReferrersQuery, referrers } from '../images/referrers.ts';
import { canonicalDigest, type ImageContext } from '../images/store.ts';
import { putImageTagMutability } from '../images/tagMutability.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';
import { decodePageToken, encodePageToken } from './pageToken.ts';
import type {
  LayerRecord,
  Registration,
  RepositoryLayer,
  RepositoryPage,
  RepositoryQuery,
  RepositoryRecord,
} from './records.ts';
import { sweepLinks } from './sweep.ts';

/** DescribeRepositories' page size when the request names none (ECR's default). */
const DEFAULT_PAGE_SIZE = 100;

/** How many keys one BlobStore delete call takes (R2's and S3's limit). */
const DELETE_BATCH = 1000;

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
}

/** The default grace of an unreferenced layer: seven days. */
export const DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS = 7 * 86_400;

/** Deletes keys from the blob store in batches the store accepts. */
async function deleteObjects(blobs: BlobStore, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) await blobs.delete(keys.slice(i, i + DELETE_BATCH));
}

/**
 * The rules of one registry's catalog: repositories, content-addressed blobs, which repository holds which
 * layer, and images (the image rules, run over the same transaction). Every change is one transaction of
 * the store; the host serialises calls per registry.
 * @example
 * const catalog = new CatalogRules('123456789012', new MemoryCatalogStore(), new MemoryBlobStore());
 * await catalog.createRepository(newRepositoryRecord({ repositoryName: 'app' }, new Date()));
 */
export class CatalogRules {
  private readonly now: () => number;
  private readonly graceMs: number | null;

  constructor(
    private readonly registryId: string,
    private readonly store: CatalogStore,
    private readonly blobs: BlobStore,
    options: CatalogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const grace = options.unreferencedLayerGraceSeconds;
    this.graceMs = grace === null ? null : (grace ?? DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS) * 1000;
  }

  createRepository(record: RepositoryRecord): Promise<RepositoryRecord> {
    return this.store.transaction((tables) => {
      if (tables.repository(record.repositoryName)) {
        throw repositoryAlreadyExists(this.registryId, record.repositoryName);
      }
      tables.insertRepository(record);
      return record;
    });
  }

  /** Named repositories (all must exist), or a page of all of them in name order. */
  describeRepositories(query: RepositoryQuery): Promise<RepositoryPage> {
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
      tables.deleteRepository(repositoryName);
      const orphans: string[] = [];
      for (const digest of tables.unlinkAll(repositoryName)) {
        if (tables.held(digest)) continue;
        const blob = tables.blob(digest);
        tables.deleteBlob(digest);
        if (blob) orphans.push(blob.objectKey);
      }
      return { record, orphans };
    });
    // The rows are gone first: a completion racing this finds no blob and stores its own copy.
    await deleteObjects(this.blobs, orphans);
    return record;
  }

  /** PutImage; `alias` is the manifest's checked sha512 digest, when its client named it so (see putImage). */
  putImage(input: PutImageRequest, alias?: string): Promise<PutImageResponse> {
    return this.store.transaction((tables) => putImage(this.imageContext(tables), input, alias));
  }

  /** BatchGetImage (records the pull time of what it returns). */
  batchGetImage(input: BatchGetImageRequest): Promise<BatchGetImageResponse> {
    return this.images(batchGetImage, input);
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
    return await this.store.transaction((tables) => {
      const result = batchDeleteImage(this.imageContext(tables), input);
      tables.retimeUnreferencedLinks(input.repositoryName, at);
      return result;
    });
  }

  /** The referrers of a manifest (the OCI door's referrers API). */
  referrers(query: ReferrersQuery): Promise<ReferrerDescriptor[]> {
    return this.images(referrers, query);
  }

  /** PutImageTagMutability. */
  putImageTagMutability(input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
    return this.images(putImageTagMutability, input);
  }

  /**
   * The host's periodic wake-up: unlinks the layers no image references that were linked longer than the
   * grace period ago, deletes the bytes no repository holds any more (rows first, as deleteRepository), and
   * asks for the next wake-up. A layer pushed just before its image is younger than the grace, so it stays.
   */
  async sweep(): Promise<void> {
    if (this.graceMs === null) return;
    const cutoff = this.now() - this.graceMs;
    await deleteObjects(this.blobs, await this.store.transaction((tables) => sweepLinks(tables, cutoff)));
    await this.scheduleSweep();
  }

  /** Asks for a wake-up when the oldest unreferenced link passes the grace period (none: no wake-up). */
  async scheduleSweep(): Promise<void> {
    if (this.graceMs === null) return;
    const oldest = await this.store.transaction((tables) => tables.unreferencedLinks(1)[0]);
    if (oldest) await this.store.wakeBy(Math.max(oldest.linkedAt + this.graceMs, this.now()));
  }

  requireRepository(repositoryName: string): Promise<RepositoryRecord> {
    return this.store.transaction((tables) => this.require(tables, repositoryName));
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
    const registration = await this.store.transaction((tables): Registration => {
      this.require(tables, repositoryName);
      if (alias !== undefined && tables.aliasOf(alias) === null) tables.insertAlias(alias, layer.digest);
      if (tables.linked(repositoryName, layer.digest)) return 'present';
      const existing = tables.blob(layer.digest);
      if (!existing) tables.insertBlob(layer);
      tables.link(repositoryName, layer.digest, linkedAt);
      return existing ? 'linked' : 'created';
    });
    if (registration !== 'present' && this.graceMs !== null) await this.store.wakeBy(linkedAt + this.graceMs);
    return registration;
  }

  /** BatchCheckLayerAvailability for one repository. */
  checkLayers(repositoryName: string, digests: string[]): Promise<BatchCheckLayerAvailabilityResponse> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      const result: Required<BatchCheckLayerAvailabilityResponse> = { layers: [], failures: [] };
      for (const layerDigest of digests) {
        if (!SHA256_DIGEST.test(layerDigest)) {
          result.failures.push({
            layerDigest,
            failureCode: 'InvalidLayerDigest',
            failureReason: 'Invalid layer digest',
          });
          continue;
        }
        const layer = this.layerIn(tables, repositoryName, layerDigest);
        if (layer) {
          result.layers.push({ layerDigest, layerAvailability: 'AVAILABLE', layerSize: layer.size });
        } else {
          result.failures.push({
            layerDigest,
            failureCode: 'MissingLayerDigest',
            failureReason: 'Requested layer digest does not exist',
          });
        }
      }
      return result;
    });
  }

  /**
   * The stored layer, if the repository holds it, and whether an image of the repository references it. Asked
   * for by an alias (`sha512:…`), the answer carries that digest: the client's name for the same bytes.
   */
  findLayer(repositoryName: string, digest: string): Promise<RepositoryLayer | null> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      const canonical = canonicalDigest(tables, digest);
      const layer = this.layerIn(tables, repositoryName, canonical);
      return layer && { ...layer, digest, referenced: tables.isBlobReferenced(repositoryName, canonical) };
    });
  }

  /**
   * Links a blob repository `from` holds into `repositoryName` (an OCI mount), copying nothing.
   * @returns Whether `repositoryName` holds the blob now; false when `from` does not exist or lacks it.
   */
  async mountLayer(repositoryName: string, named: string, from: string): Promise<boolean> {
    const linkedAt = this.now();
    const mounted = await this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      const digest = canonicalDigest(tables, named);
      if (tables.linked(repositoryName, digest)) return 'held';
      if (!tables.repository(from) || !tables.linked(from, digest) || !tables.blob(digest)) return 'absent';
      tables.link(repositoryName, digest, linkedAt);
      return 'linked';
    });
    // A mounted layer is a new link like an uploaded one: the sweep reclaims it if no image comes to use it.
    if (mounted === 'linked' && this.graceMs !== null) await this.store.wakeBy(linkedAt + this.graceMs);
    return mounted !== 'absent';
  }

  /** Whether any blob is stored under the key (an upload's expiry must not delete catalogued bytes). */
  objectInUse(objectKey: string): Promise<boolean> {
    return this.store.transaction((tables) => tables.blobAt(objectKey));
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

  private imageContext(tables: CatalogTransaction): ImageContext {
    return { store: tables, registryId: this.registryId, now: () => Math.floor(this.now() / 1000) };
  }

  private layerIn(tables: CatalogTransaction, repositoryName: string, digest: string): LayerRecord | null {
    return tables.linked(repositoryName, digest) ? tables.blob(digest) : null;
  }
}
