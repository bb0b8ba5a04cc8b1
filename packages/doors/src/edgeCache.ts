import type { ByteRange } from '@edgecr/registry';

/**
 * A cache at the edge where the Worker runs (on Cloudflare the Workers Cache API), of content-addressed bytes:
 * a blob's bytes under its digest, which never change. It holds no permission: a door authorises the request
 * and checks that the repository holds the digest before it asks here.
 */
export interface EdgeCache {
  /**
   * The bytes kept under key, whole or the range; undefined when this edge holds none (or cannot answer the
   * range), and the door reads the blob store.
   */
  match(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined>;
  /**
   * Keeps a whole object's bytes under key. The write may finish after the answer is sent (the adapter keeps
   * the request alive until it does); a failed write is only a later miss.
   */
  put(key: string, body: ReadableStream<Uint8Array>, size: number): void;
}

/**
 * An edge cache in memory, for tests and in-process endpoints: ranges are sliced from the whole object, as the
 * Cache API answers them.
 * @example
 * const edge = new MemoryEdgeCache();
 * const endpoint = { ...endpoint, edge };
 */
export class MemoryEdgeCache implements EdgeCache {
  private readonly objects = new Map<string, Uint8Array>();
  private readonly writes: Promise<void>[] = [];

  async match(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | undefined> {
    const bytes = this.objects.get(key);
    if (!bytes) return undefined;
    const slice = range ? bytes.slice(range.offset, range.offset + range.length) : bytes.slice();
    return new Response(slice).body ?? undefined;
  }

  put(key: string, body: ReadableStream<Uint8Array>, size: number): void {
    const write = new Response(body).arrayBuffer().then((buffer) => {
      // A body cut short is not the object: not kept.
      if (buffer.byteLength === size) this.objects.set(key, new Uint8Array(buffer));
    });
    this.writes.push(write);
  }

  /** Resolves once every write started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.writes);
  }
}
