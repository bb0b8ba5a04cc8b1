import type { LayerRecord, RepositoryRecord } from '../catalog/records.ts';

/**
 * The tables of one registry's catalog, read and written inside a transaction. Synchronous on purpose: the
 * rules decide between reads and writes with no other I/O in between, which is what makes a transaction on
 * SQLite (a Durable Object's, or node:sqlite's) serialisable without locks.
 *
 * New kinds of catalog entries (images, tags, references) add their own methods here.
 */
export interface CatalogTransaction {
  repository(name: string): RepositoryRecord | null;
  /** Repositories whose name sorts after `after`, in name order, at most `limit`. */
  repositoriesAfter(after: string, limit: number): RepositoryRecord[];
  insertRepository(record: RepositoryRecord): void;
  deleteRepository(name: string): void;
  blob(digest: string): LayerRecord | null;
  /** Whether any blob is stored under `objectKey`. */
  blobAt(objectKey: string): boolean;
  insertBlob(blob: LayerRecord): void;
  deleteBlob(digest: string): void;
  /** Whether the repository holds the layer. */
  linked(repositoryName: string, digest: string): boolean;
  /** Whether any repository holds the layer. */
  held(digest: string): boolean;
  link(repositoryName: string, digest: string): void;
  /** Drops every link of the repository; returns the digests it held. */
  unlinkAll(repositoryName: string): string[];
}

/**
 * One registry's catalog store. `transaction` runs `fn` atomically: all of its writes or none (an exception
 * rolls back). The host serialises calls on one registry.
 */
export interface CatalogStore {
  transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T>;
}
