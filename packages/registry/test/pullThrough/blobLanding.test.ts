import { MiB, sha256Digest } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { type BlobStore, MemoryBlobStore, MemoryHost } from '../../src/index.ts';
import { landPulledBlob, pulledPartBytes } from '../../src/pullThrough/blobLanding.ts';
import { testSha256 } from '../upstream/_sha256.ts';

const REGISTRY = '123456789012';

/** `bytes` as a body of `chunk`-byte pieces, as an upstream answer arrives. */
function bodyOf(bytes: Uint8Array, chunk = 700 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, at + 65_536));
  return bytes;
}

/** A MemoryBlobStore whose part writes fail from `failingPart` on, counting what is written and deleted. */
function watchedStore(failingPart = Number.POSITIVE_INFINITY) {
  const inner = new MemoryBlobStore();
  const seen = { parts: 0, aborted: 0, deleted: [] as string[] };
  const blobs: BlobStore = Object.assign(Object.create(inner) as BlobStore, {
    uploadPart: async (key: string, id: string, partNumber: number, bytes: Uint8Array) => {
      if (partNumber >= failingPart) throw new Error('the store is down');
      seen.parts++;
      return await inner.uploadPart(key, id, partNumber, bytes);
    },
    abortMultipart: async (key: string, id: string) => {
      seen.aborted++;
      await inner.abortMultipart(key, id);
    },
    delete: async (keys: string[]) => {
      seen.deleted.push(...keys);
      await inner.delete(keys);
    },
  });
  return { inner, blobs, seen };
}

async function setUp(failingPart?: number) {
  const store = watchedStore(failingPart);
  const registry = new MemoryHost({ blobs: store.blobs }).registry(REGISTRY, {
    partSize: 5 * MiB,
    uploadTtlSeconds: 60,
  });
  await registry.catalog.createRepository({ repositoryName: 'hub/app' });
  const ports = { blobs: store.blobs, catalog: registry.catalog, sha256: testSha256 };
  return { ...store, registry, ports };
}

describe('landing a pulled blob', () => {
  it('stores the bytes in equal parts and registers them, the verdict first', async () => {
    const { ports, registry, inner, seen } = await setUp();
    const bytes = randomBytes(12 * MiB);
    const digest = sha256Digest(bytes);
    const landing = landPulledBlob(ports, 'hub/app', digest, bodyOf(bytes), bytes.length);
    expect(await landing.verdict).toBe('verified');
    expect(await landing.stored).toBe(true);
    expect(seen.parts).toBe(3);
    const layer = await registry.catalog.findLayer('hub/app', digest);
    expect(layer).toMatchObject({ digest, size: bytes.length });
    const object = await inner.get(layer?.objectKey as string);
    // Compared by digest: a deep equality of 12 MiB takes the test runner a minute.
    expect(sha256Digest(new Uint8Array(await new Response(object?.body).arrayBuffer()))).toBe(digest);
  });

  it('stores a blob smaller than a part, and an empty one, in one write', async () => {
    const { ports, registry, seen } = await setUp();
    for (const bytes of [randomBytes(1000), new Uint8Array(0)]) {
      const digest = sha256Digest(bytes);
      const landing = landPulledBlob(ports, 'hub/app', digest, bodyOf(bytes), bytes.length);
      expect(await landing.verdict).toBe('verified');
      expect(await landing.stored).toBe(true);
      expect(await registry.catalog.findLayer('hub/app', digest)).toMatchObject({ size: bytes.length });
    }
    expect(seen.parts).toBe(0);
  });

  it.each([
    { case: 'refuses bytes that do not hash to the digest', failingPart: undefined, verdict: 'refused' },
    { case: 'still checks the bytes when the store fails', failingPart: 2, verdict: 'verified' },
  ])('$case, aborts what it wrote and keeps nothing', async ({ failingPart, verdict }) => {
    const { ports, registry, seen } = await setUp(failingPart);
    const bytes = randomBytes(12 * MiB);
    const digest = sha256Digest(verdict === 'verified' ? bytes : randomBytes(16));
    const landing = landPulledBlob(ports, 'hub/app', digest, bodyOf(bytes), bytes.length);
    expect(await landing.verdict).toBe(verdict);
    expect(await landing.stored).toBe(false);
    expect(seen.aborted).toBe(1);
    expect(await registry.catalog.findLayer('hub/app', digest)).toBeNull();
  });

  it('keeps the copy the registry already holds and deletes its own', async () => {
    const { ports, registry, seen } = await setUp();
    await registry.catalog.createRepository({ repositoryName: 'hub/other' });
    const bytes = randomBytes(6 * MiB);
    const digest = sha256Digest(bytes);
    expect(await landPulledBlob(ports, 'hub/other', digest, bodyOf(bytes), bytes.length).stored).toBe(true);
    const first = await registry.catalog.findLayer('hub/other', digest);
    expect(await landPulledBlob(ports, 'hub/app', digest, bodyOf(bytes), bytes.length).stored).toBe(true);
    expect(await registry.catalog.findLayer('hub/app', digest)).toMatchObject({
      objectKey: first?.objectKey,
    });
    expect(seen.deleted).toHaveLength(1);
    expect(seen.deleted[0]).not.toBe(first?.objectKey);
  });

  it('deletes its copy when the repository went meanwhile', async () => {
    const { ports, seen } = await setUp();
    const bytes = randomBytes(1000);
    const landing = landPulledBlob(ports, 'hub/gone', sha256Digest(bytes), bodyOf(bytes), bytes.length);
    expect(await landing.verdict).toBe('verified');
    expect(await landing.stored).toBe(false);
    expect(seen.deleted).toHaveLength(1);
  });

  it('cuts parts of 5 MiB, larger only when 10,000 would not hold the blob', () => {
    expect(pulledPartBytes(undefined)).toBe(5 * MiB);
    expect(pulledPartBytes(40 * 1024 * MiB)).toBe(5 * MiB);
    expect(pulledPartBytes(100 * 1024 * MiB)).toBe(11 * MiB);
  });
});
