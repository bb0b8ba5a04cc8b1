/**
 * An in-memory {@link ImageStore}, for tests and for anything that wants the image rules without a database.
 * @module
 */

import type {
  ImageQuery,
  ImageRecord,
  ImageReferences,
  ImageRepositorySettings,
  ImageStore,
} from './store.ts';

interface StoredImage {
  record: Omit<ImageRecord, 'tags'>;
  manifest: string;
  references: ImageReferences;
}

interface MemoryRepository {
  settings: ImageRepositorySettings;
  /** Layer digest -> size. */
  layers: Map<string, number>;
  images: Map<string, StoredImage>;
  /** Tag -> digest. */
  tags: Map<string, string>;
}

/**
 * {@link ImageStore} over maps. Repositories and layers are set up with
 * {@link MemoryImageStore.addRepository} and {@link MemoryImageStore.addLayer}, the parts the repository and
 * layer rules own.
 * @example
 * const store = new MemoryImageStore();
 * store.addRepository('app', { imageTagMutability: 'MUTABLE' });
 * store.addLayer('app', 'sha256:…', 1234);
 */
export class MemoryImageStore implements ImageStore {
  private readonly repositories = new Map<string, MemoryRepository>();

  /** Creates a repository with no layers or images. */
  addRepository(repositoryName: string, settings: ImageRepositorySettings): void {
    this.repositories.set(repositoryName, {
      settings,
      layers: new Map(),
      images: new Map(),
      tags: new Map(),
    });
  }

  /** Links a completed layer to a repository. */
  addLayer(repositoryName: string, digest: string, size: number): void {
    this.repo(repositoryName).layers.set(digest, size);
  }

  repository(repositoryName: string): ImageRepositorySettings | null {
    return this.repositories.get(repositoryName)?.settings ?? null;
  }

  setTagMutability(repositoryName: string, settings: ImageRepositorySettings): void {
    this.repo(repositoryName).settings = settings;
  }

  layerSize(repositoryName: string, digest: string): number | null {
    return this.repo(repositoryName).layers.get(digest) ?? null;
  }

  image(repositoryName: string, digest: string): ImageRecord | null {
    const repo = this.repo(repositoryName);
    const stored = repo.images.get(digest);
    return stored ? { ...stored.record, tags: tagsOf(repo, digest) } : null;
  }

  taggedDigest(repositoryName: string, tag: string): string | null {
    return this.repo(repositoryName).tags.get(tag) ?? null;
  }

  manifest(repositoryName: string, digest: string): string {
    const stored = this.repo(repositoryName).images.get(digest);
    if (!stored) throw new Error(`no image ${digest} in ${repositoryName}`);
    return stored.manifest;
  }

  listImages(repositoryName: string, query: ImageQuery): ImageRecord[] {
    const repo = this.repo(repositoryName);
    return [...repo.images.keys()]
      .filter((digest) => query.from === undefined || digest >= query.from)
      .sort()
      .map((digest) => this.image(repositoryName, digest) as ImageRecord)
      .filter((image) => {
        if (query.tagStatus === 'TAGGED') return image.tags.length > 0;
        if (query.tagStatus === 'UNTAGGED') return image.tags.length === 0;
        return true;
      })
      .slice(0, query.limit);
  }

  parentsOf(repositoryName: string, digest: string): string[] {
    return [...this.repo(repositoryName).images.entries()]
      .filter(([, stored]) => stored.references.children.includes(digest))
      .map(([parent]) => parent)
      .sort();
  }

  hasImages(repositoryName: string): boolean {
    return this.repo(repositoryName).images.size > 0;
  }

  isBlobReferenced(repositoryName: string, digest: string): boolean {
    return [...this.repo(repositoryName).images.values()].some((stored) =>
      stored.references.blobs.includes(digest),
    );
  }

  putImage(repositoryName: string, image: ImageRecord, manifest: string, references: ImageReferences): void {
    const { tags: _tags, ...record } = image;
    this.repo(repositoryName).images.set(image.digest, { record, manifest, references });
  }

  setTag(repositoryName: string, tag: string, digest: string): void {
    this.repo(repositoryName).tags.set(tag, digest);
  }

  deleteTag(repositoryName: string, tag: string): void {
    this.repo(repositoryName).tags.delete(tag);
  }

  deleteImage(repositoryName: string, digest: string): void {
    // As a foreign key would: the rules must never leave an index listing a deleted image.
    if (this.parentsOf(repositoryName, digest).length > 0) {
      throw new Error(`image ${digest} is still listed by an index`);
    }
    const repo = this.repo(repositoryName);
    for (const tag of tagsOf(repo, digest)) repo.tags.delete(tag);
    repo.images.delete(digest);
  }

  deleteAllImages(repositoryName: string): void {
    const repo = this.repo(repositoryName);
    repo.images.clear();
    repo.tags.clear();
  }

  recordPull(repositoryName: string, digest: string, at: number): void {
    const stored = this.repo(repositoryName).images.get(digest);
    if (stored) stored.record.lastRecordedPullTime = at;
  }

  private repo(repositoryName: string): MemoryRepository {
    const repo = this.repositories.get(repositoryName);
    if (!repo) throw new Error(`no repository ${repositoryName}`);
    return repo;
  }
}

function tagsOf(repo: MemoryRepository, digest: string): string[] {
  return [...repo.tags.entries()]
    .filter(([, tagged]) => tagged === digest)
    .map(([tag]) => tag)
    .sort();
}
