import type { CatalogStore, CatalogTransaction, LayerRecord, RepositoryRecord } from '@edgecr/registry';

/** The catalog's tables in one SQLite statement each. */
function tables(sql: SqlStorage): CatalogTransaction {
  const exists = (query: string, ...bindings: unknown[]) => sql.exec(query, ...bindings).toArray().length > 0;
  const toBlob = (row: { digest: string; size: number; object_key: string }): LayerRecord => ({
    digest: row.digest,
    size: row.size,
    objectKey: row.object_key,
  });
  return {
    repository(name) {
      const row = sql
        .exec<{ record: string }>('SELECT record FROM repository WHERE name = ?', name)
        .toArray()[0];
      return row ? (JSON.parse(row.record) as RepositoryRecord) : null;
    },
    repositoriesAfter(after, limit) {
      return sql
        .exec<{ record: string }>(
          'SELECT record FROM repository WHERE name > ? ORDER BY name LIMIT ?',
          after,
          limit,
        )
        .toArray()
        .map((row) => JSON.parse(row.record) as RepositoryRecord);
    },
    insertRepository(record) {
      sql.exec('INSERT INTO repository VALUES (?, ?)', record.repositoryName, JSON.stringify(record));
    },
    deleteRepository(name) {
      sql.exec('DELETE FROM repository WHERE name = ?', name);
    },
    blob(digest) {
      const row = sql
        .exec<{ digest: string; size: number; object_key: string }>(
          'SELECT * FROM blob WHERE digest = ?',
          digest,
        )
        .toArray()[0];
      return row ? toBlob(row) : null;
    },
    blobAt: (objectKey) => exists('SELECT 1 FROM blob WHERE object_key = ?', objectKey),
    insertBlob(blob) {
      sql.exec('INSERT INTO blob VALUES (?, ?, ?)', blob.digest, blob.size, blob.objectKey);
    },
    deleteBlob(digest) {
      sql.exec('DELETE FROM blob WHERE digest = ?', digest);
    },
    linked: (name, digest) =>
      exists('SELECT 1 FROM repository_layer WHERE repository = ? AND digest = ?', name, digest),
    held: (digest) => exists('SELECT 1 FROM repository_layer WHERE digest = ? LIMIT 1', digest),
    link(name, digest) {
      sql.exec('INSERT INTO repository_layer VALUES (?, ?)', name, digest);
    },
    unlinkAll(name) {
      return sql
        .exec<{ digest: string }>('DELETE FROM repository_layer WHERE repository = ? RETURNING digest', name)
        .toArray()
        .map((row) => row.digest);
    },
  };
}

/**
 * One registry's catalog in its Durable Object's SQLite storage. A transaction is `transactionSync`: the rules
 * run between reads and writes with no I/O, so each is serialisable.
 */
export class SqlCatalogStore implements CatalogStore {
  private readonly tables: CatalogTransaction;

  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS repository (name TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS blob (
        digest TEXT PRIMARY KEY, size INTEGER NOT NULL, object_key TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS repository_layer (
        repository TEXT NOT NULL, digest TEXT NOT NULL REFERENCES blob (digest),
        PRIMARY KEY (repository, digest));
    `);
    this.tables = tables(storage.sql);
  }

  async transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T> {
    return this.storage.transactionSync(() => fn(this.tables));
  }
}
