import { DurableObject } from 'cloudflare:workers';
import {
  CatalogRules,
  type LayerRecord,
  type RepositoryQuery,
  type RepositoryRecord,
} from '@edgecr/registry';
import { capture } from '../adapters/outcome.ts';
import { R2BlobStore } from '../adapters/r2BlobStore.ts';
import { SqlCatalogStore } from '../adapters/sqlCatalogStore.ts';

/**
 * Hosts one registry's catalog (named by the registry id): the core's CatalogRules over this object's SQLite
 * storage. One object per registry makes every catalog change one serialisable transaction, with the same
 * consistency model as the uploads. Answers travel as outcomes (see outcome.ts).
 */
export class Registry extends DurableObject<Env> {
  private readonly rules: CatalogRules;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // One object per registry, named by its 12-digit id (`idFromName(registryId)`).
    this.rules = new CatalogRules(
      ctx.id.name as string,
      new SqlCatalogStore(ctx.storage),
      new R2BlobStore(env.LAYERS),
    );
  }

  createRepository(record: RepositoryRecord) {
    return capture(() => this.rules.createRepository(record));
  }

  describeRepositories(query: RepositoryQuery) {
    return capture(() => this.rules.describeRepositories(query));
  }

  deleteRepository(repositoryName: string) {
    return capture(() => this.rules.deleteRepository(repositoryName));
  }

  requireRepository(repositoryName: string) {
    return capture(() => this.rules.requireRepository(repositoryName));
  }

  hasLayer(repositoryName: string, digest: string) {
    return capture(() => this.rules.hasLayer(repositoryName, digest));
  }

  registerLayer(repositoryName: string, layer: LayerRecord) {
    return capture(() => this.rules.registerLayer(repositoryName, layer));
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

  objectInUse(objectKey: string) {
    return capture(() => this.rules.objectInUse(objectKey));
  }
}
