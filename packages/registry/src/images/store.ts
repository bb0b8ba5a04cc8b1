/**
 * What the image rules need of the catalog: a narrow, synchronous port. Every rule runs as one call against
 * it, and the adapter runs that call in one transaction (the Registry Durable Object's `transactionSync`),
 * so a rule's reads and writes are serialisable.
 *
 * Where manifests live: in the catalog, always, never in the blob store. A manifest is at most 4 MiB and a
 * Durable Object SQLite value at most 2 MB, so the SQLite adapter keeps a manifest's UTF-8 bytes in BLOB
 * chunks of at most 1 MiB (`manifest_chunk(repository, digest, seq, bytes)`), as the upload objects already
 * stage bytes (bytes, not slices of the text, which could cut a surrogate pair that TEXT cannot keep). The
 * reasons: the rules stay synchronous and transactional (PutImage stores the manifest, its tags and its
 * references atomically; R2 would need an await inside the transaction, or a write before it that can be
 * orphaned); BatchGetImage answers from one object with no R2 round trip; and deleting an image never leaves
 * bytes behind. Real manifests are 0.5-10 kB, so the 4 MiB worst case is rare and costs one 4-row write.
 *
 * References: `putImage` records the image's blobs (config and layers) and child manifests; `deleteImage`
 * drops them. A layer row (owned by the layer rules) is therefore never deleted by image rules: finding
 * layers no image references, for a sweep after a grace period, is `isBlobReferenced` over the layer rows.
 * @module
 */

import type { ImageTagMutability, ImageTagMutabilityExclusionFilter, TagStatus } from '@edgecr/protocol';

/** The repository settings the image rules read. */
export interface ImageRepositorySettings {
  imageTagMutability: ImageTagMutability;
  imageTagMutabilityExclusionFilters?: ImageTagMutabilityExclusionFilter[];
  /** The repository policy's text, if any (a pull's answer carries it to the door's access decision). */
  policyText?: string;
}

/** An image as the catalog keeps it (without its manifest text, read with {@link ImageStore.manifest}). */
export interface ImageRecord {
  digest: string;
  /** The manifest's media type. */
  mediaType: string;
  /** `artifactType`, else the config's media type; absent for an index without `artifactType`. */
  artifactMediaType?: string;
  /** Sum of the layers' sizes; for an index, the largest of its manifests' sizes. */
  sizeInBytes: number;
  /** Epoch seconds of the first push of this digest to the repository. */
  pushedAt: number;
  /** Epoch seconds of the last BatchGetImage that returned the image. */
  lastRecordedPullTime?: number;
  /** The `subject` digest, for a referrer. */
  subjectDigest?: string;
  /** The image's tags, sorted. */
  tags: string[];
}

/** What a stored image references, recorded so nothing it needs is deleted under it. */
export interface ImageReferences {
  /** Config and layer digests (foreign layers excluded: their bytes are not here). */
  blobs: string[];
  /** Digests of the manifests an index lists. */
  children: string[];
}

/** A page query over a repository's images, in digest order. */
export interface ImageQuery {
  /** Start at this digest, inclusive. */
  from?: string;
  limit: number;
  tagStatus: TagStatus;
}

/**
 * The catalog as the image rules see it. All names are of the one registry the store belongs to. Methods that
 * name a repository may assume it exists (the rules check {@link ImageStore.repository} first).
 */
export interface ImageStore {
  /** The repository's settings, or `null` when there is no such repository. */
  repository(repositoryName: string): ImageRepositorySettings | null;
  /** Replaces the repository's tag mutability settings (filters absent: none). */
  setTagMutability(repositoryName: string, settings: ImageRepositorySettings): void;
  /** The size of a layer (a completed blob linked to the repository), or `null` when it is not one. */
  layerSize(repositoryName: string, digest: string): number | null;
  /** The image with this manifest digest, or `null`. */
  image(repositoryName: string, digest: string): ImageRecord | null;
  /** The digest a tag names, or `null`. */
  taggedDigest(repositoryName: string, tag: string): string | null;
  /** The stored manifest text of an existing image, exactly as pushed. */
  manifest(repositoryName: string, digest: string): string;
  /** A page of images in digest order, with `tagStatus` applied. */
  listImages(repositoryName: string, query: ImageQuery): ImageRecord[];
  /** The images whose `subject` is `digest` (its referrers, OCI 1.1), in digest order. */
  referrersOf(repositoryName: string, digest: string): ImageRecord[];
  /** Digests of the images whose index lists `digest` as a child. */
  parentsOf(repositoryName: string, digest: string): string[];
  /** Whether the repository holds any image. */
  hasImages(repositoryName: string): boolean;
  /** How many images the repository holds (tagged or not). */
  imageCount(repositoryName: string): number;
  /** Whether any image of the repository references the blob as config or layer. */
  isBlobReferenced(repositoryName: string, digest: string): boolean;
  /** Stores a new image (its `tags` must be empty), its manifest text and its references. */
  putImage(repositoryName: string, image: ImageRecord, manifest: string, references: ImageReferences): void;
  /** Points a tag at an existing image, moving it from any other image. */
  setTag(repositoryName: string, tag: string, digest: string): void;
  /** Removes a tag; the image stays. */
  deleteTag(repositoryName: string, tag: string): void;
  /** Removes an image, its tags, its manifest and the references it holds. */
  deleteImage(repositoryName: string, digest: string): void;
  /** Removes every image of the repository (DeleteRepository with `force`). */
  deleteAllImages(repositoryName: string): void;
  /** Records when the image was last pulled. */
  recordPull(repositoryName: string, digest: string, at: number): void;
  /**
   * The sha256 digest of the content another algorithm's digest (`sha512:…`) names, or `null` when no blob or
   * manifest was ever checked under that name. Registry-wide: an alias is a fact about bytes, not a repository.
   */
  aliasOf(alias: string): string | null;
  /**
   * Records that `alias` names the content whose sha256 digest is `digest`, once checked. Never deleted: it
   * stays true whatever is deleted, and a lookup through it still asks whether the repository holds `digest`.
   */
  insertAlias(alias: string, digest: string): void;
}

/**
 * The digest the catalog keeps content under: a sha256 digest is itself; another algorithm's is its alias,
 * or itself when unknown (then nothing is found under it).
 * @example
 * const digest = canonicalDigest(ctx.store, 'sha512:…'); // 'sha256:…' of the same bytes, once recorded
 */
export function canonicalDigest(store: Pick<ImageStore, 'aliasOf'>, digest: string): string {
  return digest.startsWith('sha256:') ? digest : (store.aliasOf(digest) ?? digest);
}

/** What every image rule is called with. */
export interface ImageContext {
  store: ImageStore;
  /** The registry the store belongs to, for answers and messages. */
  registryId: string;
  /** Epoch seconds now (AWS JSON timestamps are epoch seconds). */
  now: () => number;
}
