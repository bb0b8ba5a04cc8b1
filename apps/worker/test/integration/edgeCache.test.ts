// The edge cache adapter on workerd's own Cache API: whole objects stored after the answer (waitUntil), ranges
// answered from them with the right bytes, a miss where nothing is kept, and a fact kept for a time and dropped.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { workersEdgeCache } from '../../src/adapters/workersEdgeCache.ts';

function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + (i >>> 8)) & 0xff;
  return bytes;
}

async function read(body: ReadableStream<Uint8Array> | undefined): Promise<Uint8Array> {
  expect(body).toBeDefined();
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe('the Workers Cache API edge cache', () => {
  it('keeps a whole object after the answer and serves it whole and ranged', async () => {
    const key = `sha256:${'a'.repeat(63)}${Math.floor(Math.random() * 10)}`;
    const bytes = bytesOf(300_000);
    const context = createExecutionContext();
    const edge = workersEdgeCache(caches.default, context);
    expect(await edge.match(key)).toBeUndefined();
    edge.put(key, new Response(bytes).body as ReadableStream<Uint8Array>, bytes.length);
    await waitOnExecutionContext(context);
    expect(await read(await edge.match(key))).toEqual(bytes);
    expect(await read(await edge.match(key, { offset: 100_000, length: 12_345 }))).toEqual(
      bytes.subarray(100_000, 112_345),
    );
    expect(await edge.match(`sha256:${'b'.repeat(64)}`, { offset: 0, length: 10 })).toBeUndefined();
  });

  it('keeps a fact for its time and drops it after the answer', async () => {
    const key = `facts/123456789012/image/sha256:${'c'.repeat(63)}${Math.floor(Math.random() * 10)}/team/app`;
    const text = JSON.stringify({ at: Date.now(), value: { ok: true } });
    const bytes = new TextEncoder().encode(text);
    const context = createExecutionContext();
    const edge = workersEdgeCache(caches.default, context);
    edge.put(key, new Response(bytes).body as ReadableStream<Uint8Array>, bytes.length, 60);
    await waitOnExecutionContext(context);
    expect(new TextDecoder().decode(await read(await edge.match(key)))).toBe(text);
    const response = await caches.default.match(`https://edgecr.cache.internal/${key}`);
    expect(response?.headers.get('cache-control')).toBe('public, max-age=60');
    await response?.body?.cancel();
    const dropping = createExecutionContext();
    workersEdgeCache(caches.default, dropping).drop(key);
    await waitOnExecutionContext(dropping);
    expect(await edge.match(key)).toBeUndefined();
  });
});
