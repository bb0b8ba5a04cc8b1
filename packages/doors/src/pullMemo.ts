import type { CatalogHandle, RegistryHosting } from '@edgecr/registry';

/** How long the answers a pull reads are kept in this isolate (see docs/pulls.md); 0 keeps none. */
export interface PullMemoSettings {
  /** How long "repository R holds digest D" (a layer, or an image asked for by digest) is believed. */
  holdingCacheSeconds: number;
  /** How long a tag's image (as one `Accept` asked for it) is believed. */
  tagCacheSeconds: number;
}

interface Entry {
  value: unknown;
  until: number;
  bytes: number;
}

/** What a kept answer costs beyond its bytes, so that many small answers also stay bounded. */
const ENTRY_OVERHEAD = 256;

/**
 * Answers of a pull's catalog reads kept in this isolate for a bounded time: the facts "repository R holds
 * blob D" and "repository R holds image D", and a tag's image for a few seconds. It is bounded by bytes (the
 * oldest answers go first) and forgets a repository's answers when a change goes through this isolate; a
 * change through another isolate is seen once the answer expires. One lives as long as its isolate.
 * @example
 * const memo = new PullMemo();
 * const hosting = memoisedHosting(endpoint.hosting, memo, settings);
 */
export class PullMemo {
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(
    private readonly maxBytes = 16 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer kept under key, while it holds. */
  recall(key: string): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.drop(key, entry);
    return undefined;
  }

  /** Keeps an answer for `seconds`; one larger than a quarter of the bound is not kept. */
  remember(key: string, value: unknown, seconds: number, size = 0): void {
    const bytes = size + key.length + ENTRY_OVERHEAD;
    if (seconds <= 0 || bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    // Expired answers go from the oldest end, so an isolate keeps about the last minute's answers, not every
    // answer until the bound: its memory stays flat however many images it has served.
    const now = this.now();
    for (const [oldest, entry] of this.entries) {
      if (entry.until > now) break;
      this.drop(oldest, entry);
    }
    this.entries.set(key, { value, until: now + seconds * 1000, bytes });
    this.held += bytes;
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  /** How many answers are kept (expired ones included until they are dropped). */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every answer about one repository of one registry. */
  forget(registryId: string, repositoryName: string): void {
    const prefix = repositoryKey(registryId, repositoryName);
    for (const [key, entry] of this.entries) if (key.startsWith(prefix)) this.drop(key, entry);
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
}

function repositoryKey(registryId: string, repositoryName: string): string {
  return `${registryId}\n${repositoryName}\n`;
}

/** The catalog calls after which this isolate forgets what it kept about the repository they name. */
const CHANGES = new Set<string>(['deleteLayer', 'batchDeleteImage', 'deleteRepository', 'putImage']);

type BatchGetImage = CatalogHandle['batchGetImage'];

/**
 * A hosting whose catalogs answer `findLayer` (a layer found) and a one-image `batchGetImage` from the memo while
 * it holds, and ask the Registry object otherwise. Authorisation is the doors' and runs before any of this: the
 * memo only spares the object a question whose answer it gave a moment ago. A miss is never kept, so a blob or
 * image pushed a moment ago is found at once.
 */
export function memoisedHosting(
  hosting: RegistryHosting,
  memo: PullMemo,
  settings: PullMemoSettings,
): RegistryHosting {
  return {
    upload: (uploadId) => hosting.upload(uploadId),
    catalog(registryId) {
      const catalog = hosting.catalog(registryId);
      const findLayer: CatalogHandle['findLayer'] = async (repositoryName, digest) => {
        const key = `${repositoryKey(registryId, repositoryName)}layer\n${digest}`;
        const kept = memo.recall(key) as Awaited<ReturnType<CatalogHandle['findLayer']>> | undefined;
        if (kept) return kept;
        const layer = await catalog.findLayer(repositoryName, digest);
        if (layer) memo.remember(key, layer, settings.holdingCacheSeconds);
        return layer;
      };
      const batchGetImage: BatchGetImage = async (input) => {
        const [id, ...others] = input.imageIds;
        if (!id || others.length > 0) return await catalog.batchGetImage(input);
        const reference = `${id.imageDigest ?? ''}\n${id.imageTag ?? ''}`;
        const accepted = (input.acceptedMediaTypes ?? []).join(',');
        const key = `${repositoryKey(registryId, input.repositoryName)}image\n${reference}\n${accepted}`;
        const kept = memo.recall(key) as Awaited<ReturnType<BatchGetImage>> | undefined;
        if (kept) return kept;
        const answer = await catalog.batchGetImage(input);
        const image = answer.images?.[0];
        if (answer.images?.length === 1 && !answer.failures?.length && image?.imageManifest) {
          const seconds = id.imageDigest ? settings.holdingCacheSeconds : settings.tagCacheSeconds;
          memo.remember(key, answer, seconds, image.imageManifest.length * 2);
        }
        return answer;
      };
      return new Proxy(catalog, {
        get(target, method, receiver) {
          if (method === 'findLayer') return findLayer;
          if (method === 'batchGetImage') return batchGetImage;
          const value = Reflect.get(target, method, receiver);
          if (typeof value !== 'function' || !CHANGES.has(String(method))) return value;
          return async (...args: unknown[]) => {
            const repositoryName = (args[0] as { repositoryName?: string } | string | undefined) ?? '';
            const name = typeof repositoryName === 'string' ? repositoryName : repositoryName.repositoryName;
            try {
              return await value.apply(target, args);
            } finally {
              if (name) memo.forget(registryId, name);
            }
          };
        },
      });
    },
  };
}
