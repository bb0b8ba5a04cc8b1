import type { LayerRecord, RepositoryRecord } from '../catalog/records.ts';
import type { ImageRecord, ImageReferences, ImageStore } from '../images/store.ts';

/** A stored image: its record (tags are kept apart), manifest text and references. */
export interface StoredImage {
  record: Omit<ImageRecord, 'tags'>;
  manifest: string;
  references: ImageReferences;
}

/** One repository's images and tags. */
export interface RepositoryImages {
  images: Map<string, StoredImage>;
  /** tag → digest. */
  tags: Map<string, string>;
}

/** The tables the image methods read besides their own. */
export interface ImageTables {
  repositories: Map<string, RepositoryRecord>;
  blobs: Map<string, LayerRecord>;
  /** repository name → digest → linked at. */
  links: Map<string, Map<string, number>>;
  /** repository name → its images. */
  images: Map<string, RepositoryImages>;
  /** alias digest (sha512) → sha256 digest of the same content. */
  aliases: Map<string, string>;
}

/** A copy of the image tables a transaction may change freely. */
export function copyImages(images: Map<string, RepositoryImages>): Map<string, RepositoryImages> {
  return new Map(
    [...images].map(([name, repo]) => [
      name,
      {
        images: new Map(
          [...repo.images].map(([digest, stored]) => [digest, { ...stored, record: { ...stored.record } }]),
        ),
        tags: new Map(repo.tags),
      },
    ]),
  );
}

function tagsOf(repo: RepositoryImages | undefined, digest: string): string[] {
  return [...(repo?.tags ?? [])]
    .filter(([, tagged]) => tagged === digest)
    .map(([tag]) => tag)
    .sort();
}

/** Whether any image of the repository references the blob. */
export function referenced(tables: ImageTables, name: string, digest: string): boolean {
  return [...(tables.images.get(name)?.images.values() ?? [])].some((stored) =>
    stored.references.blobs.includes(digest),
  );
}

/** The image methods of a memory transaction's view. */
export function imageView(tables: ImageTables): Omit<ImageStore, 'repository'> {
  const repo = (name: string): RepositoryImages => {
    let images = tables.images.get(name);
    if (!images) {
      images = { images: new Map(), tags: new Map() };
      tables.images.set(name, images);
    }
    return images;
  };
  const image = (name: string, digest: string): ImageRecord | null => {
    const stored = tables.images.get(name)?.images.get(digest);
    return stored ? { ...stored.record, tags: tagsOf(tables.images.get(name), digest) } : null;
  };
  const parentsOf = (name: string, digest: string) =>
    [...(tables.images.get(name)?.images ?? [])]
      .filter(([, stored]) => stored.references.children.includes(digest))
      .map(([parent]) => parent)
      .sort();
  return {
    setTagMutability(name, settings) {
      const record = tables.repositories.get(name) as RepositoryRecord;
      const { imageTagMutabilityExclusionFilters: _old, ...rest } = record;
      tables.repositories.set(name, { ...rest, ...settings });
    },
    layerSize: (name, digest) =>
      tables.links.get(name)?.has(digest) ? (tables.blobs.get(digest)?.size ?? null) : null,
    image,
    taggedDigest: (name, tag) => tables.images.get(name)?.tags.get(tag) ?? null,
    manifest(name, digest) {
      const stored = tables.images.get(name)?.images.get(digest);
      if (!stored) throw new Error(`no image ${digest} in ${name}`);
      return stored.manifest;
    },
    listImages: (name, query) =>
      [...(tables.images.get(name)?.images.keys() ?? [])]
        .filter((digest) => query.from === undefined || digest >= query.from)
        .sort()
        .map((digest) => image(name, digest) as ImageRecord)
        .filter((found) => {
          if (query.tagStatus === 'TAGGED') return found.tags.length > 0;
          if (query.tagStatus === 'UNTAGGED') return found.tags.length === 0;
          return true;
        })
        .slice(0, query.limit),
    referrersOf: (name, digest) =>
      [...(tables.images.get(name)?.images ?? [])]
        .filter(([, stored]) => stored.record.subjectDigest === digest)
        .map(([child]) => child)
        .sort()
        .map((child) => image(name, child) as ImageRecord),
    parentsOf,
    hasImages: (name) => (tables.images.get(name)?.images.size ?? 0) > 0,
    imageCount: (name) => tables.images.get(name)?.images.size ?? 0,
    isBlobReferenced: (name, digest) => referenced(tables, name, digest),
    putImage(name, record, manifest, references) {
      const { tags: _tags, ...rest } = record;
      repo(name).images.set(record.digest, { record: rest, manifest, references });
    },
    setTag: (name, tag, digest) => void repo(name).tags.set(tag, digest),
    deleteTag: (name, tag) => void repo(name).tags.delete(tag),
    deleteImage(name, digest) {
      // As the SQLite adapter's foreign key would: an index must never list a deleted image.
      if (parentsOf(name, digest).length > 0) throw new Error(`image ${digest} is still listed by an index`);
      const images = repo(name);
      for (const tag of tagsOf(images, digest)) images.tags.delete(tag);
      images.images.delete(digest);
    },
    deleteAllImages: (name) => void tables.images.delete(name),
    recordPull(name, digest, at) {
      const stored = tables.images.get(name)?.images.get(digest);
      if (stored) stored.record.lastRecordedPullTime = at;
    },
    aliasOf: (alias) => tables.aliases.get(alias) ?? null,
    insertAlias: (alias, digest) => void tables.aliases.set(alias, digest),
  };
}
