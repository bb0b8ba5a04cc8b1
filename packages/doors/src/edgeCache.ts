import type { ByteRange } from '@edgecr/registry';

/**
 * A cache at the edge where the Worker runs (on Cloudflare the Workers Cache API), shared by the isolates of one
 * data center: a blob's bytes under its digest, which never change, and for a bounded time the small facts a
 * pull reads ("repository R holds digest D", with the manifest or layer record). It holds no permission: a
 * door authorises the request before it asks here, and names every key (keys are URL path segments).
 */
export interface EdgeCache {
  /**
   * The bytes kept under key, whole or the range; undefined when this edge holds none (or cannot answer the
   * range), and the door reads the blob store or asks the catalog.
   */
  match(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined>;
  /**
   * Keeps a whole object's bytes under key, for at most `seconds` (as long as the edge likes when unset). The
   * write may finish after the answer is sent (the adapter keeps the request alive until it does); a failed
   * write is only a later miss.
   */
  put(key: string, body: ReadableStream<Uint8Array>, size: number, seconds?: number): void;
  /** Drops what is kept under key at this edge, after the answer as a write does. */
  drop(key: string): void;
}

interface Kept {
  bytes: Uint8Array;
  until: number;
}

/**
 * An edge cache in memory, for tests and in-process endpoints: ranges are sliced from the whole object, as the
 * Cache API answers them, and an object kept for a time is gone once it passes.
 * @example
 * const edge = new MemoryEdgeCache();
 * const endpoint = { ...endpoint, edge };
 */
export class MemoryEdgeCache implements EdgeCache {
  private readonly objects = new Map<string, Kept>();
  private readonly writes: Promise<void>[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  async match(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined> {
    const kept = this.objects.get(key);
    if (!kept || kept.until <= this.now()) return undefined;
    const { bytes } = kept;
    const slice = range ? bytes.slice(range.offset, range.offset + range.length) : bytes.slice();
    return new Response(slice).body ?? undefined;
  }

  put(key: string, body: ReadableStream<Uint8Array>, size: number, seconds?: number): void {
    const until = seconds === undefined ? Number.POSITIVE_INFINITY : this.now() + seconds * 1000;
    const write = new Response(body).arrayBuffer().then((buffer) => {
      // A body cut short is not the object: not kept.
      if (buffer.byteLength === size) this.objects.set(key, { bytes: new Uint8Array(buffer), until });
    });
    this.writes.push(write);
  }

  drop(key: string): void {
    this.objects.delete(key);
  }

  /** Resolves once every write started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }
}
