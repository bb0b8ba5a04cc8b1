import type {
  CatalogStore,
  CatalogTransaction,
  LayerRecord,
  LifecycleRecord,
  PullThroughRuleRecord,
  RepositoryRecord,
  TemplateRecord,
} from '@edgecr/registry';
import { IMAGE_SCHEMA, imageTables } from './sqlImageTables.ts';

/** How long the catalog remembers released object keys, and its clock. */
export interface SqlCatalogOptions {
  /**
   * How long after its bytes were deleted a released object key is still known as released
   * (`objectReleased`); afterwards its row is pruned. Unset: kept for ever.
   */
  releasedRetentionMs?: number;
  /** The clock, ms since the epoch; injectable for tests. */
  now?: () => number;
}

/** The catalog's tables in one SQLite statement each. */
function tables(sql: SqlStorage, options: SqlCatalogOptions): CatalogTransaction {
  const now = options.now ?? Date.now;
  const retention = options.releasedRetentionMs ?? Number.POSITIVE_INFINITY;
  const exists = (query: string, ...bindings: unknown[]) => sql.exec(query, ...bindings).toArray().length > 0;
  const toBlob = (row: { digest: string; size: number; object_key: string }): LayerRecord => ({
    digest: row.digest,
    size: row.size,
    objectKey: row.object_key,
  });
  return {
    ...imageTables(sql),
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
      sql.exec('DELETE FROM upstream_check WHERE repository = ?', name);
    },
    setRepositoryTags(name, tags) {
      sql.exec(
        "UPDATE repository SET record = json_set(record, '$.tags', json(?)) WHERE name = ?",
        JSON.stringify(tags),
        name,
      );
    },
    setRepositoryPolicy(name, policyText) {
      // The policy lives in the repository's JSON record: a record from before policies simply has none.
      sql.exec(
        policyText === null
          ? "UPDATE repository SET record = json_remove(record, '$.policyText') WHERE name = ?"
          : "UPDATE repository SET record = json_set(record, '$.policyText', ?) WHERE name = ?",
        ...(policyText === null ? [name] : [policyText, name]),
      );
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
    holdersAfter(digest, after, limit) {
      return sql
        .exec<{ repository: string }>(
          `SELECT repository FROM repository_layer WHERE digest = ? AND repository > ?
           ORDER BY repository LIMIT ?`,
          digest,
          after,
          limit,
        )
        .toArray()
        .map((row) => row.repository);
    },
    link(name, digest, linkedAt) {
      sql.exec('INSERT INTO repository_layer VALUES (?, ?, ?)', name, digest, linkedAt);
    },
    unlink(name, digest) {
      sql.exec('DELETE FROM repository_layer WHERE repository = ? AND digest = ?', name, digest);
    },
    unlinkAll(name) {
      return sql
        .exec<{ digest: string }>('DELETE FROM repository_layer WHERE repository = ? RETURNING digest', name)
        .toArray()
        .map((row) => row.digest);
    },
    retimeUnreferencedLinks(name, at) {
      sql.exec(
        `UPDATE repository_layer SET linked_at = ? WHERE repository = ? AND NOT EXISTS (
           SELECT 1 FROM image_blob b WHERE b.repository = repository_layer.repository
             AND b.blob = repository_layer.digest)`,
        at,
        name,
      );
    },
    lifecycle(name) {
      const row = sql
        .exec<{ record: string }>('SELECT record FROM lifecycle WHERE repository = ?', name)
        .toArray()[0];
      return row ? (JSON.parse(row.record) as LifecycleRecord) : null;
    },
    lifecycles() {
      return sql
        .exec<{ record: string }>('SELECT record FROM lifecycle ORDER BY repository')
        .toArray()
        .map((row) => JSON.parse(row.record) as LifecycleRecord);
    },
    putLifecycle(record) {
      sql.exec(
        'INSERT OR REPLACE INTO lifecycle VALUES (?, ?)',
        record.repositoryName,
        JSON.stringify(record),
      );
    },
    deleteLifecycle(name) {
      sql.exec('DELETE FROM lifecycle WHERE repository = ?', name);
    },
    templates() {
      return sql
        .exec<{ record: string }>('SELECT record FROM creation_template')
        .toArray()
        .map((row) => JSON.parse(row.record) as TemplateRecord);
    },
    putTemplate(record) {
      sql.exec(
        'INSERT OR REPLACE INTO creation_template VALUES (?, ?)',
        record.prefix,
        JSON.stringify(record),
      );
    },
    deleteTemplate(prefix) {
      sql.exec('DELETE FROM creation_template WHERE prefix = ?', prefix);
    },
    pullThroughRules() {
      return sql
        .exec<{ record: string }>('SELECT record FROM pull_through_rule')
        .toArray()
        .map((row) => JSON.parse(row.record) as PullThroughRuleRecord);
    },
    putPullThroughRule(record) {
      sql.exec(
        'INSERT OR REPLACE INTO pull_through_rule VALUES (?, ?)',
        record.ecrRepositoryPrefix,
        JSON.stringify(record),
      );
    },
    deletePullThroughRule(prefix) {
      sql.exec('DELETE FROM pull_through_rule WHERE prefix = ?', prefix);
    },
    upstreamCheck(name, tag) {
      const row = sql
        .exec<{ checked_at: number }>(
          'SELECT checked_at FROM upstream_check WHERE repository = ? AND tag = ?',
          name,
          tag,
        )
        .toArray()[0];
      return row ? row.checked_at : null;
    },
    putUpstreamCheck(name, tag, at) {
      sql.exec('INSERT OR REPLACE INTO upstream_check VALUES (?, ?, ?)', name, tag, at);
    },
    unreferencedLinks(limit) {
      return sql
        .exec<{ repository: string; digest: string; linked_at: number }>(
          `SELECT repository, digest, linked_at FROM repository_layer l WHERE NOT EXISTS (
             SELECT 1 FROM image_blob b WHERE b.repository = l.repository AND b.blob = l.digest)
           ORDER BY linked_at LIMIT ?`,
          limit,
        )
        .toArray()
        .map((row) => ({ repositoryName: row.repository, digest: row.digest, linkedAt: row.linked_at }));
    },
    queueObjectDeletions(keys) {
      for (const key of keys) sql.exec('INSERT OR REPLACE INTO object_deletion VALUES (?, 0)', key);
    },
    queuedObjectDeletions(limit) {
      return sql
        .exec<{ object_key: string }>(
          'SELECT object_key FROM object_deletion WHERE deleted = 0 LIMIT ?',
          limit,
        )
        .toArray()
        .map((row) => row.object_key);
    },
    forgetObjectDeletions(keys) {
      // `deleted` holds when the bytes went (0: not yet), so that the rows past the retention can go: each
      // deletion prunes the rows that expired before it, and the table holds about a retention's deletions.
      const at = now();
      for (const key of keys)
        sql.exec('UPDATE object_deletion SET deleted = ? WHERE object_key = ?', at, key);
      if (Number.isFinite(retention)) {
        sql.exec('DELETE FROM object_deletion WHERE deleted > 0 AND deleted < ?', at - retention);
      }
    },
    objectReleased: (key) => exists('SELECT 1 FROM object_deletion WHERE object_key = ?', key),
  };
}

/**
 * Brings an older catalog up to this schema: links made before links had a time are treated as made now, so
 * the sweep gives them the whole grace period.
 */
function migrate(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(repository_layer)').toArray();
  if (columns.some((column) => column.name === 'linked_at')) return;
  sql.exec('ALTER TABLE repository_layer ADD COLUMN linked_at INTEGER NOT NULL DEFAULT 0');
  sql.exec('UPDATE repository_layer SET linked_at = ?', Date.now());
}

/**
 * Object deletions done before their time was recorded (`deleted` was 1) count as done now, so they are kept
 * the whole retention.
 */
function migrateDeletions(sql: SqlStorage, now: number): void {
  sql.exec('UPDATE object_deletion SET deleted = ? WHERE deleted = 1', now);
}

/**
 * One registry's catalog in its Durable Object's SQLite storage: repositories, blobs, links, the image
 * tables (sqlImageTables.ts), each repository's lifecycle state, the repository creation templates and the
 * pull-through cache rules (with when each cached tag was last checked upstream). A transaction is
 * `transactionSync`: the rules run between reads and writes with no I/O, so each is serialisable. Released
 * object keys are pruned once `releasedRetentionMs` has passed since their bytes went.
 */
export class SqlCatalogStore implements CatalogStore {
  private readonly tables: CatalogTransaction;

  constructor(
    private readonly storage: DurableObjectStorage,
    options: SqlCatalogOptions = {},
  ) {
    storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS repository (name TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS blob (
        digest TEXT PRIMARY KEY, size INTEGER NOT NULL, object_key TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS repository_layer (
        repository TEXT NOT NULL, digest TEXT NOT NULL REFERENCES blob (digest), linked_at INTEGER NOT NULL,
        PRIMARY KEY (repository, digest));
      CREATE TABLE IF NOT EXISTS object_deletion (object_key TEXT PRIMARY KEY, deleted INTEGER NOT NULL);
      ${IMAGE_SCHEMA}
      CREATE TABLE IF NOT EXISTS lifecycle (repository TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS creation_template (prefix TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS pull_through_rule (prefix TEXT PRIMARY KEY, record TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS upstream_check (
        repository TEXT NOT NULL, tag TEXT NOT NULL, checked_at INTEGER NOT NULL, PRIMARY KEY (repository, tag));
    `);
    migrate(storage.sql);
    storage.sql.exec('CREATE INDEX IF NOT EXISTS object_deletion_by_time ON object_deletion (deleted)');
    migrateDeletions(storage.sql, (options.now ?? Date.now)());
    storage.sql.exec('CREATE INDEX IF NOT EXISTS repository_layer_by_time ON repository_layer (linked_at)');
    // The links of one blob (an anonymous mount's holders, `held`), without reading every link.
    storage.sql.exec(
      'CREATE INDEX IF NOT EXISTS repository_layer_by_digest ON repository_layer (digest, repository)',
    );
    this.tables = tables(storage.sql, options);
  }

  async transaction<T>(fn: (tables: CatalogTransaction) => T): Promise<T> {
    return this.storage.transactionSync(() => fn(this.tables));
  }

  /** The wake-up is the object's alarm; one already set sooner (and not past: that one is firing) stays. */
  async wakeBy(at: number): Promise<void> {
    const current = await this.storage.getAlarm();
    if (current === null || current > at || current <= Date.now()) await this.storage.setAlarm(at);
  }
}
