import type { BatchCheckLayerAvailabilityResponse } from '@edgecr/protocol';
import { layerAlreadyExists, repositoryAlreadyExists, repositoryNotFound } from '../errors.ts';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';
import { decodePageToken, encodePageToken } from './pageToken.ts';
import type {
  LayerRecord,
  Registration,
  RepositoryPage,
  RepositoryQuery,
  RepositoryRecord,
} from './records.ts';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** DescribeRepositories' page size when the request names none (ECR's default). */
const DEFAULT_PAGE_SIZE = 100;

/** How many keys one BlobStore delete call takes (R2's and S3's limit). */
const DELETE_BATCH = 1000;

/**
 * The rules of one registry's catalog: repositories, content-addressed blobs and which repository holds which
 * layer. Every change is one transaction of the store; the host serialises calls per registry.
 * @example
 * const catalog = new CatalogRules('123456789012', new MemoryCatalogStore(), new MemoryBlobStore());
 * await catalog.createRepository(newRepositoryRecord({ repositoryName: 'app' }, new Date()));
 */
export class CatalogRules {
  constructor(
    private readonly registryId: string,
    private readonly store: CatalogStore,
    private readonly blobs: BlobStore,
  ) {}

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
      const after = query.nextToken === undefined ? '' : decodePageToken(query.nextToken);
      const limit = query.maxResults ?? DEFAULT_PAGE_SIZE;
      const rows = tables.repositoriesAfter(after, limit + 1);
      const repositories = rows.slice(0, limit);
      const last = repositories.at(-1);
      return rows.length > limit && last
        ? { repositories, nextToken: encodePageToken(last.repositoryName) }
        : { repositories };
    });
  }

  /**
   * Deletes a repository and its links to layers, then the bytes of every blob no other repository holds.
   * Until images exist a repository holds no images, so it is never refused as not empty.
   */
  async deleteRepository(repositoryName: string): Promise<RepositoryRecord> {
    const { record, orphans } = await this.store.transaction((tables) => {
      const record = this.require(tables, repositoryName);
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
    for (let i = 0; i < orphans.length; i += DELETE_BATCH) {
      await this.blobs.delete(orphans.slice(i, i + DELETE_BATCH));
    }
    return record;
  }

  requireRepository(repositoryName: string): Promise<RepositoryRecord> {
    return this.store.transaction((tables) => this.require(tables, repositoryName));
  }

  /** Whether the repository already holds the layer (then CompleteLayerUpload answers it already exists). */
  hasLayer(repositoryName: string, digest: string): Promise<boolean> {
    return this.store.transaction((tables) => tables.linked(repositoryName, digest));
  }

  /**
   * Puts a stored layer in a repository. If another repository already has the same bytes, the repository is
   * linked to that blob and the caller deletes its own copy ('linked'): one copy per digest, and no copying.
   */
  registerLayer(repositoryName: string, layer: LayerRecord): Promise<Registration> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      if (tables.linked(repositoryName, layer.digest)) {
        throw layerAlreadyExists(this.registryId, repositoryName, layer.digest);
      }
      const existing = tables.blob(layer.digest);
      if (!existing) tables.insertBlob(layer);
      tables.link(repositoryName, layer.digest);
      return existing ? 'linked' : 'created';
    });
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

  /** The stored layer, if the repository holds it. */
  findLayer(repositoryName: string, digest: string): Promise<LayerRecord | null> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      return this.layerIn(tables, repositoryName, digest);
    });
  }

  /**
   * Links a blob repository `from` holds into `repositoryName` (an OCI mount), copying nothing.
   * @returns Whether `repositoryName` holds the blob now; false when `from` does not exist or lacks it.
   */
  mountLayer(repositoryName: string, digest: string, from: string): Promise<boolean> {
    return this.store.transaction((tables) => {
      this.require(tables, repositoryName);
      if (tables.linked(repositoryName, digest)) return true;
      if (!tables.repository(from) || !tables.linked(from, digest) || !tables.blob(digest)) return false;
      tables.link(repositoryName, digest);
      return true;
    });
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

  private layerIn(tables: CatalogTransaction, repositoryName: string, digest: string): LayerRecord | null {
    return tables.linked(repositoryName, digest) ? tables.blob(digest) : null;
  }
}
