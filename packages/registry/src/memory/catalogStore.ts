import type { LayerRecord, RepositoryRecord } from '../catalog/records.ts';
import type { CatalogStore, CatalogTransaction } from '../ports/catalogStore.ts';

interface Tables {
  repositories: Map<string, RepositoryRecord>;
  blobs: Map<string, LayerRecord>;
  /** repository name → the digests it holds. */
  links: Map<string, Set<string>>;
}

function copy(tables: Tables): Tables {
  return {
    repositories: new Map(tables.repositories),
    blobs: new Map(tables.blobs),
    links: new Map([...tables.links].map(([name, digests]) => [name, new Set(digests)])),
  };
}

/** A transaction's view: reads and writes go to a copy, which replaces the tables only if `fn` returns. */
function view(tables: Tables): CatalogTransaction {
  return {
    repository: (name) => structuredClone(tables.repositories.get(name) ?? null),
    repositoriesAfter: (after, limit) =>
      [...tables.repositories.keys()]
        .filter((name) => name > after)
        .sort()
        .slice(0, limit)
        .map((name) => structuredClone(tables.repositories.get(name) as RepositoryRecord)),
    insertRepository: (record) =>
      void tables.repositories.set(record.repositoryName, structuredClone(record)),
    deleteRepository: (name) => void tables.repositories.delete(name),
    blob: (digest) => {
      const blob = tables.blobs.get(digest);
      return blob ? { ...blob } : null;
    },
    blobAt: (objectKey) => [...tables.blobs.values()].some((blob) => blob.objectKey === objectKey),
    insertBlob: (blob) => void tables.blobs.set(blob.digest, { ...blob }),
    deleteBlob: (digest) => void tables.blobs.delete(digest),
    linked: (name, digest) => tables.links.get(name)?.has(digest) ?? false,
    held: (digest) => [...tables.links.values()].some((digests) => digests.has(digest)),
    link: (name, digest) => {
      const digests = tables.links.get(name) ?? new Set();
      digests.add(digest);
      tables.links.set(name, digests);
    },
    unlinkAll: (name) => {
      const digests = [...(tables.links.get(name) ?? [])];
      tables.links.delete(name);
      return digests;
    },
  };
}

/** One registry's catalog in memory; a transaction that throws leaves the tables as they were. */
export class MemoryCatalogStore implements CatalogStore {
  private tables: Tables = { repositories: new Map(), blobs: new Map(), links: new Map() };

  async transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T> {
    const working = copy(this.tables);
    const result = fn(view(working));
    this.tables = working;
    return result;
  }
}
