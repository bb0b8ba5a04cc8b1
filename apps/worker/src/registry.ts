import { DurableObject } from 'cloudflare:workers';
import {
  type BatchCheckLayerAvailabilityResponse,
  EcrError,
  type EncryptionConfiguration,
  type ImageScanningConfiguration,
  type ImageTagMutability,
  type ImageTagMutabilityExclusionFilter,
  type Tag,
} from '@edgecr/protocol';
import { layerAlreadyExists, repositoryNotFound } from './ecrErrors.ts';
import { capture, type Outcome } from './outcome.ts';

/** A repository as the catalog keeps it; the Worker adds the ARN and URI, which depend on the request. */
export interface RepositoryRecord {
  repositoryName: string;
  createdAt: number;
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[];
  imageScanningConfiguration: ImageScanningConfiguration;
  encryptionConfiguration: EncryptionConfiguration;
  tags: Tag[];
}

export interface RepositoryPage {
  repositories: RepositoryRecord[];
  nextToken?: string;
}

/** A layer that completed and is stored in R2 under `objectKey`. */
export interface LayerRecord {
  digest: string;
  size: number;
  objectKey: string;
}

/** What registering a finished layer did: a new blob, or a link to the copy another repository already has. */
export type Registration = 'created' | 'linked';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The catalog of one registry: repositories, the content-addressed blobs in R2 and which repository holds
 * which layer. One object per registry gives serialisable transactions (a layer is linked and a repository
 * deleted atomically) with no second consistency model beside the upload objects.
 */
export class Registry extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly registryId: string;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // One object per registry, named by its 12-digit id (`idFromName(registryId)`).
    this.registryId = ctx.id.name as string;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS repository (name TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS blob (
        digest TEXT PRIMARY KEY, size INTEGER NOT NULL, object_key TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS repository_layer (
        repository TEXT NOT NULL, digest TEXT NOT NULL REFERENCES blob (digest),
        PRIMARY KEY (repository, digest));
    `);
  }

  createRepository(record: RepositoryRecord): Promise<Outcome<RepositoryRecord>> {
    return capture(() => {
      if (this.find(record.repositoryName)) {
        throw new EcrError(
          'RepositoryAlreadyExistsException',
          `The repository with name '${record.repositoryName}' already exists in the registry with id '${this.registryId}'`,
        );
      }
      this.sql.exec('INSERT INTO repository VALUES (?, ?)', record.repositoryName, JSON.stringify(record));
      return record;
    });
  }

  /** Named repositories (all must exist), or a page of all of them in name order. */
  describeRepositories(query: {
    repositoryNames?: string[];
    maxResults?: number;
    nextToken?: string;
  }): Promise<Outcome<RepositoryPage>> {
    return capture(() => {
      if (query.repositoryNames) {
        return { repositories: query.repositoryNames.map((name) => this.require(name)) };
      }
      const after = query.nextToken === undefined ? '' : decodeToken(query.nextToken);
      const limit = query.maxResults ?? 100;
      const rows = this.sql
        .exec<{ record: string }>(
          'SELECT record FROM repository WHERE name > ? ORDER BY name LIMIT ?',
          after,
          limit + 1,
        )
        .toArray();
      const repositories = rows.slice(0, limit).map((row) => JSON.parse(row.record) as RepositoryRecord);
      const last = repositories.at(-1);
      return rows.length > limit && last
        ? { repositories, nextToken: encodeToken(last.repositoryName) }
        : { repositories };
    });
  }

  /**
   * Deletes a repository and its links to layers, then the bytes of every blob no other repository holds.
   * Until images exist in edgecr a repository holds no images, so it is never refused as not empty.
   */
  deleteRepository(repositoryName: string): Promise<Outcome<RepositoryRecord>> {
    return capture(async () => {
      const record = this.require(repositoryName);
      const orphans = this.ctx.storage.transactionSync(() => {
        this.sql.exec('DELETE FROM repository WHERE name = ?', repositoryName);
        const unlinked = this.sql
          .exec<{ digest: string }>(
            'DELETE FROM repository_layer WHERE repository = ? RETURNING digest',
            repositoryName,
          )
          .toArray();
        const keys: string[] = [];
        for (const { digest } of unlinked) {
          const held = this.sql
            .exec('SELECT 1 FROM repository_layer WHERE digest = ? LIMIT 1', digest)
            .toArray();
          if (held.length > 0) continue;
          const blob = this.sql
            .exec<{ object_key: string }>('DELETE FROM blob WHERE digest = ? RETURNING object_key', digest)
            .one();
          keys.push(blob.object_key);
        }
        return keys;
      });
      // The rows are gone first: a completion racing this finds no blob and stores its own copy.
      for (let i = 0; i < orphans.length; i += 1000) await this.env.LAYERS.delete(orphans.slice(i, i + 1000));
      return record;
    });
  }

  requireRepository(repositoryName: string): Promise<Outcome<RepositoryRecord>> {
    return capture(() => this.require(repositoryName));
  }

  /** Whether the repository already holds the layer (then CompleteLayerUpload answers it already exists). */
  async hasLayer(repositoryName: string, digest: string): Promise<boolean> {
    return (
      this.sql
        .exec('SELECT 1 FROM repository_layer WHERE repository = ? AND digest = ?', repositoryName, digest)
        .toArray().length > 0
    );
  }

  /**
   * Puts a stored layer in a repository. If another repository already has the same bytes, the repository is
   * linked to that blob and the caller deletes its own copy ('linked'): one copy per digest, and no copying.
   */
  registerLayer(repositoryName: string, layer: LayerRecord): Promise<Outcome<Registration>> {
    return capture(() =>
      this.ctx.storage.transactionSync(() => {
        this.require(repositoryName);
        if (
          this.sql
            .exec(
              'SELECT 1 FROM repository_layer WHERE repository = ? AND digest = ?',
              repositoryName,
              layer.digest,
            )
            .toArray().length > 0
        ) {
          throw layerAlreadyExists(this.registryId, repositoryName, layer.digest);
        }
        const existing = this.sql.exec('SELECT 1 FROM blob WHERE digest = ?', layer.digest).toArray();
        if (existing.length === 0) {
          this.sql.exec('INSERT INTO blob VALUES (?, ?, ?)', layer.digest, layer.size, layer.objectKey);
        }
        this.sql.exec('INSERT INTO repository_layer VALUES (?, ?)', repositoryName, layer.digest);
        return existing.length === 0 ? 'created' : 'linked';
      }),
    );
  }

  /** BatchCheckLayerAvailability for one repository. */
  checkLayers(
    repositoryName: string,
    digests: string[],
  ): Promise<Outcome<BatchCheckLayerAvailabilityResponse>> {
    return capture(() => {
      this.require(repositoryName);
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
        const layer = this.layerIn(repositoryName, layerDigest);
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
  findLayer(repositoryName: string, digest: string): Promise<Outcome<LayerRecord | null>> {
    return capture(() => {
      this.require(repositoryName);
      return this.layerIn(repositoryName, digest);
    });
  }

  /** Whether any blob is stored under the key (an upload's expiry must not delete catalogued bytes). */
  async objectInUse(objectKey: string): Promise<boolean> {
    return this.sql.exec('SELECT 1 FROM blob WHERE object_key = ?', objectKey).toArray().length > 0;
  }

  private find(repositoryName: string): RepositoryRecord | null {
    const row = this.sql
      .exec<{ record: string }>('SELECT record FROM repository WHERE name = ?', repositoryName)
      .toArray()[0];
    return row ? (JSON.parse(row.record) as RepositoryRecord) : null;
  }

  private require(repositoryName: string): RepositoryRecord {
    const record = this.find(repositoryName);
    if (!record) throw repositoryNotFound(this.registryId, repositoryName);
    return record;
  }

  private layerIn(repositoryName: string, digest: string): LayerRecord | null {
    const row = this.sql
      .exec<{ size: number; object_key: string }>(
        `SELECT blob.size, blob.object_key FROM repository_layer JOIN blob USING (digest)
         WHERE repository_layer.repository = ? AND repository_layer.digest = ?`,
        repositoryName,
        digest,
      )
      .toArray()[0];
    return row ? { digest, size: row.size, objectKey: row.object_key } : null;
  }
}

function encodeToken(after: string): string {
  return btoa(JSON.stringify({ after })).replaceAll('=', '');
}

function decodeToken(token: string): string {
  try {
    const { after } = JSON.parse(atob(token)) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // Falls through to the error below: any token we did not issue is invalid.
  }
  throw new EcrError(
    'InvalidParameterException',
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'must be a token returned by a previous call'",
  );
}
