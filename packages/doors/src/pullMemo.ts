/** How long the answers a pull reads are kept (see docs/pulls.md); 0 keeps none. */
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

/** How many repositories' last change an isolate remembers (far more than change within a holding time). */
const MAX_CHANGED = 10_000;

/**
 * Answers of a pull's catalog reads kept in this isolate for a bounded time: the facts "repository R holds
 * blob D" and "repository R holds image D", a tag's image for a few seconds, and which pulls it has recorded.
 * It is bounded by bytes (the oldest answers go first), and forgets a repository's answers when a change goes
 * through this isolate, remembering when, so that nothing kept elsewhere (at the edge) from before the change is
 * believed here; a change through another isolate is seen once the answer expires. One lives as long as its
 * isolate.
 * @example
 * const memo = new PullMemo();
 * const hosting = pullHosting(endpoint.hosting, { memo, settings, defer });
 */
export class PullMemo {
  private readonly entries = new Map<string, Entry>();
  private readonly changes = new Map<string, number>();
  private held = 0;
  /** When expired answers are next swept out (epoch ms). */
  private nextSweep = 0;

  /**
   * @param maxBytes the bound on what is kept.
   * @param now the clock, epoch milliseconds.
   */
  constructor(
    private readonly maxBytes = 16 * 1024 * 1024,
    readonly now: () => number = Date.now,
  ) {}

  /** The answer kept under key, while it holds. */
  recall(key: string): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.drop(key, entry);
    return undefined;
  }

  /** When the answer kept under key stops holding (epoch ms); 0 when none is kept. */
  until(key: string): number {
    return this.entries.get(key)?.until ?? 0;
  }

  /** Keeps an answer for `seconds`; one larger than a quarter of the bound is not kept. */
  remember(key: string, value: unknown, seconds: number, size = 0): void {
    const bytes = size + key.length + ENTRY_OVERHEAD;
    if (seconds <= 0 || bytes > this.maxBytes / 4) return;
    this.discard(key);
    // Expired answers are dropped (a sweep at most once a second), so an isolate keeps about the answers of
    // their lifetimes, not every answer until the bound: its memory stays flat however many images it served.
    const now = this.now();
    if (now >= this.nextSweep) {
      this.nextSweep = now + 1000;
      for (const [older, entry] of this.entries) if (entry.until <= now) this.drop(older, entry);
    }
    this.entries.set(key, { value, until: now + seconds * 1000, bytes });
    this.held += bytes;
    // A Map iterates in insertion order: the first entries are the oldest.
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  /** Forgets the answer kept under key. */
  discard(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.drop(key, entry);
  }

  /** How many answers are kept (expired ones included until they are dropped). */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every answer about one repository of one registry, and notes that it changed now. */
  forget(registryId: string, repositoryName: string): void {
    const prefix = repositoryKey(registryId, repositoryName);
    for (const [key, entry] of this.entries) if (key.startsWith(prefix)) this.drop(key, entry);
    this.changes.delete(prefix);
    this.changes.set(prefix, this.now());
    for (const oldest of this.changes.keys()) {
      if (this.changes.size <= MAX_CHANGED) break;
      this.changes.delete(oldest);
    }
  }

  /** When a change to the repository last went through this isolate (epoch milliseconds), or 0. */
  changedAt(registryId: string, repositoryName: string): number {
    return this.changes.get(repositoryKey(registryId, repositoryName)) ?? 0;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
}

/**
 * The prefix of every key about one repository of one registry.
 * @example
 * memo.recall(`${repositoryKey('123456789012', 'app')}layer\nsha256:…`);
 */
export function repositoryKey(registryId: string, repositoryName: string): string {
  return `${registryId}\n${repositoryName}\n`;
}
