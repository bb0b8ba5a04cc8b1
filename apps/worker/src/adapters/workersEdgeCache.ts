import type { EdgeCache } from '@edgecr/doors';

/**
 * Where a key lives in the Cache API: a URL of this Worker's own that no route serves, so nothing but this
 * adapter reads or writes it.
 */
function cacheUrl(key: string): string {
  return `https://edgecr.cache.internal/${key}`;
}

/**
 * The edge cache on the Workers Cache API (`caches.default`): the data center's cache where this request runs,
 * shared by every isolate there: blobs as long as it likes, facts for their bounded time. It stores whole
 * objects only (a 206 is never stored); a `Range` on `match` is answered from the whole object. A write or a
 * drop runs after the answer, kept alive by `waitUntil`.
 */
export function workersEdgeCache(cache: Cache, context: ExecutionContext): EdgeCache {
  return {
    async match(key, range) {
      const headers = range
        ? { range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
        : undefined;
      const response = await cache.match(new Request(cacheUrl(key), { headers }));
      if (!response?.body) return undefined;
      // A ranged match that came back whole would be the wrong bytes: a miss, read from the blob store.
      if (range && response.status !== 206) {
        await response.body.cancel();
        return undefined;
      }
      return response.body;
    },
    put(key, body, size, seconds) {
      const response = new Response(body, {
        headers: {
          'content-length': String(size),
          'content-type': 'application/octet-stream',
          // The bytes behind a digest never change: the edge may keep them as long as it likes. A fact is
          // kept for its bounded time.
          'cache-control':
            seconds === undefined
              ? 'public, max-age=31536000, immutable'
              : `public, max-age=${Math.max(1, Math.floor(seconds))}`,
        },
      });
      context.waitUntil(
        cache.put(cacheUrl(key), response).catch((error: unknown) => {
          console.warn(`The edge cache did not keep ${key}`, error);
        }),
      );
    },
    drop(key) {
      context.waitUntil(
        cache.delete(cacheUrl(key)).catch((error: unknown) => {
          console.warn(`The edge cache did not drop ${key}`, error);
        }),
      );
    },
  };
}
