import type { ImageRecord, ImageStore, RepositoryRecord } from '@edgecr/registry';

/**
 * A manifest is kept as its UTF-8 bytes in chunks of at most 1 MiB: manifests may be 4 MiB and a Durable
 * Object SQLite value at most 2 MB. Bytes rather than slices of the text, which could cut a surrogate pair.
 */
const MANIFEST_CHUNK_BYTES = 1024 * 1024;

/** The image tables, created idempotently (they only ever grow: existing catalogs stay valid). */
export const IMAGE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS image (
    repository TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, artifact_media_type TEXT,
    size INTEGER NOT NULL, pushed_at REAL NOT NULL, last_pull REAL, subject TEXT,
    PRIMARY KEY (repository, digest));
  CREATE TABLE IF NOT EXISTS image_tag (
    repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (repository, tag),
    FOREIGN KEY (repository, digest) REFERENCES image (repository, digest));
  CREATE INDEX IF NOT EXISTS image_tag_by_digest ON image_tag (repository, digest);
  CREATE INDEX IF NOT EXISTS image_by_subject ON image (repository, subject);
  CREATE TABLE IF NOT EXISTS manifest_chunk (
    repository TEXT NOT NULL, digest TEXT NOT NULL, seq INTEGER NOT NULL, bytes BLOB NOT NULL,
    PRIMARY KEY (repository, digest, seq));
  CREATE TABLE IF NOT EXISTS image_blob (
    repository TEXT NOT NULL, image TEXT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY (repository, image, blob));
  CREATE INDEX IF NOT EXISTS image_blob_by_blob ON image_blob (repository, blob);
  CREATE TABLE IF NOT EXISTS image_child (
    repository TEXT NOT NULL, parent TEXT NOT NULL, child TEXT NOT NULL,
    PRIMARY KEY (repository, parent, child),
    FOREIGN KEY (repository, child) REFERENCES image (repository, digest));
  CREATE INDEX IF NOT EXISTS image_child_by_child ON image_child (repository, child);
  CREATE TABLE IF NOT EXISTS digest_alias (alias TEXT PRIMARY KEY, digest TEXT NOT NULL);
`;

/** A row of `image` (a type alias, as SqlStorage's row constraint needs an index signature). */
type ImageRow = {
  digest: string;
  media_type: string;
  artifact_media_type: string | null;
  size: number;
  pushed_at: number;
  last_pull: number | null;
  subject: string | null;
};

/** The image methods of the catalog's transaction, one SQLite statement or a few each. */
export function imageTables(sql: SqlStorage): Omit<ImageStore, 'repository'> {
  const exists = (query: string, ...bindings: unknown[]) => sql.exec(query, ...bindings).toArray().length > 0;
  const tagsOf = (repository: string, digest: string) =>
    sql
      .exec<{ tag: string }>(
        'SELECT tag FROM image_tag WHERE repository = ? AND digest = ? ORDER BY tag',
        repository,
        digest,
      )
      .toArray()
      .map((row) => row.tag);
  const toImage = (repository: string, row: ImageRow): ImageRecord => ({
    digest: row.digest,
    mediaType: row.media_type,
    sizeInBytes: row.size,
    pushedAt: row.pushed_at,
    tags: tagsOf(repository, row.digest),
    ...(row.artifact_media_type !== null && { artifactMediaType: row.artifact_media_type }),
    ...(row.last_pull !== null && { lastRecordedPullTime: row.last_pull }),
    ...(row.subject !== null && { subjectDigest: row.subject }),
  });
  return {
    setTagMutability(repository, settings) {
      const row = sql
        .exec<{ record: string }>('SELECT record FROM repository WHERE name = ?', repository)
        .one();
      const { imageTagMutabilityExclusionFilters: _old, ...rest } = JSON.parse(
        row.record,
      ) as RepositoryRecord;
      sql.exec(
        'UPDATE repository SET record = ? WHERE name = ?',
        JSON.stringify({ ...rest, ...settings }),
        repository,
      );
    },
    layerSize(repository, digest) {
      const row = sql
        .exec<{ size: number }>(
          `SELECT blob.size FROM repository_layer JOIN blob USING (digest)
           WHERE repository_layer.repository = ? AND repository_layer.digest = ?`,
          repository,
          digest,
        )
        .toArray()[0];
      return row ? row.size : null;
    },
    image(repository, digest) {
      const row = sql
        .exec<ImageRow>('SELECT * FROM image WHERE repository = ? AND digest = ?', repository, digest)
        .toArray()[0];
      return row ? toImage(repository, row) : null;
    },
    referrersOf(repository, digest) {
      return sql
        .exec<ImageRow>(
          'SELECT * FROM image WHERE repository = ? AND subject = ? ORDER BY digest',
          repository,
          digest,
        )
        .toArray()
        .map((row) => toImage(repository, row));
    },
    taggedDigest(repository, tag) {
      const row = sql
        .exec<{ digest: string }>(
          'SELECT digest FROM image_tag WHERE repository = ? AND tag = ?',
          repository,
          tag,
        )
        .toArray()[0];
      return row ? row.digest : null;
    },
    manifest(repository, digest) {
      const chunks = sql
        .exec<{ bytes: ArrayBuffer }>(
          'SELECT bytes FROM manifest_chunk WHERE repository = ? AND digest = ? ORDER BY seq',
          repository,
          digest,
        )
        .toArray()
        .map((row) => new Uint8Array(row.bytes));
      const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
      return new TextDecoder().decode(bytes);
    },
    listImages(repository, query) {
      const tagged =
        'EXISTS (SELECT 1 FROM image_tag t WHERE t.repository = i.repository AND t.digest = i.digest)';
      const filter = { ANY: '', TAGGED: `AND ${tagged}`, UNTAGGED: `AND NOT ${tagged}` }[query.tagStatus];
      return sql
        .exec<ImageRow>(
          `SELECT * FROM image i WHERE repository = ? AND digest >= ? ${filter} ORDER BY digest LIMIT ?`,
          repository,
          query.from ?? '',
          query.limit,
        )
        .toArray()
        .map((row) => toImage(repository, row));
    },
    parentsOf(repository, digest) {
      return sql
        .exec<{ parent: string }>(
          'SELECT parent FROM image_child WHERE repository = ? AND child = ? ORDER BY parent',
          repository,
          digest,
        )
        .toArray()
        .map((row) => row.parent);
    },
    hasImages: (repository) => exists('SELECT 1 FROM image WHERE repository = ? LIMIT 1', repository),
    // Counts the primary key's entries for the repository: one index range, read on each new image's push.
    imageCount: (repository) =>
      sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM image WHERE repository = ?', repository).one().n,
    isBlobReferenced: (repository, digest) =>
      exists('SELECT 1 FROM image_blob WHERE repository = ? AND blob = ? LIMIT 1', repository, digest),
    putImage(repository, image, manifest, references) {
      sql.exec(
        'INSERT INTO image VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        repository,
        image.digest,
        image.mediaType,
        image.artifactMediaType ?? null,
        image.sizeInBytes,
        image.pushedAt,
        image.lastRecordedPullTime ?? null,
        image.subjectDigest ?? null,
      );
      const bytes = new TextEncoder().encode(manifest);
      for (let seq = 0; seq * MANIFEST_CHUNK_BYTES < bytes.length; seq++) {
        const chunk = bytes.slice(seq * MANIFEST_CHUNK_BYTES, (seq + 1) * MANIFEST_CHUNK_BYTES);
        sql.exec('INSERT INTO manifest_chunk VALUES (?, ?, ?, ?)', repository, image.digest, seq, chunk);
      }
      for (const blob of new Set(references.blobs)) {
        sql.exec('INSERT INTO image_blob VALUES (?, ?, ?)', repository, image.digest, blob);
      }
      for (const child of new Set(references.children)) {
        sql.exec('INSERT INTO image_child VALUES (?, ?, ?)', repository, image.digest, child);
      }
    },
    setTag(repository, tag, digest) {
      sql.exec('INSERT OR REPLACE INTO image_tag VALUES (?, ?, ?)', repository, tag, digest);
    },
    deleteTag(repository, tag) {
      sql.exec('DELETE FROM image_tag WHERE repository = ? AND tag = ?', repository, tag);
    },
    deleteImage(repository, digest) {
      for (const table of ['image_tag', 'manifest_chunk']) {
        sql.exec(`DELETE FROM ${table} WHERE repository = ? AND digest = ?`, repository, digest);
      }
      sql.exec('DELETE FROM image_blob WHERE repository = ? AND image = ?', repository, digest);
      sql.exec('DELETE FROM image_child WHERE repository = ? AND parent = ?', repository, digest);
      // The foreign key of image_child refuses this while an index still lists the image.
      sql.exec('DELETE FROM image WHERE repository = ? AND digest = ?', repository, digest);
    },
    deleteAllImages(repository) {
      // Children's references first: the foreign keys point at the images.
      for (const table of ['image_child', 'image_tag', 'image_blob', 'manifest_chunk', 'image']) {
        sql.exec(`DELETE FROM ${table} WHERE repository = ?`, repository);
      }
    },
    recordPull(repository, digest, at) {
      sql.exec('UPDATE image SET last_pull = ? WHERE repository = ? AND digest = ?', at, repository, digest);
    },
    aliasOf(alias) {
      const row = sql
        .exec<{ digest: string }>('SELECT digest FROM digest_alias WHERE alias = ?', alias)
        .toArray()[0];
      return row ? row.digest : null;
    },
    insertAlias(alias, digest) {
      sql.exec('INSERT INTO digest_alias VALUES (?, ?)', alias, digest);
    },
  };
}
