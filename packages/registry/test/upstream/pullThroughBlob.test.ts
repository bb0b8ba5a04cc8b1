// A blob's first pull through a pull-through cache rule, against a real upstream (./_upstreams.ts): the bytes
// reach the caller, the blob lands in the repository, and the landing is announced once (a door warms its
// edge cache then).
import { MiB } from '@edgecr/protocol';
import { describe, expect, inject, it } from 'vitest';
import { createUpstreamSession, MemoryHost, PullThrough } from '../../src/index.ts';
import { testSha256 } from './_sha256.ts';

const upstreams = inject('upstreams');

describe("a blob's first pull", () => {
  it('streams the bytes to the caller, stores them, and announces the landing once', async () => {
    const host = new MemoryHost();
    const registry = host.registry('123456789012', { partSize: 5 * MiB, uploadTtlSeconds: 60 });
    await registry.catalog.createPullThroughCacheRule({
      ecrRepositoryPrefix: 'hub',
      upstreamRegistryUrl: upstreams.anonymous.url,
    });
    const landed: string[] = [];
    const pulled = new PullThrough(registry, {
      refreshSeconds: () => 86_400,
      sessionFor: () => createUpstreamSession(),
      blobs: host.blobs,
      sha256: testSha256,
      landed: async (repositoryName, digest) => {
        landed.push(`${repositoryName} ${digest}`);
      },
    });
    const name = `hub/${upstreams.repository}`;
    const { source } = await registry.catalog.pullImage({
      repositoryName: name,
      imageIds: [{ imageTag: 'v1' }],
    });
    expect(await pulled.manifest(name, 'v1', null, source)).toBe(true);

    const layer = upstreams.blobs.at(-1) as { digest: string; size: number };
    const upstream = await registry.catalog.upstreamBlob(name, layer.digest);
    if (!upstream) throw new Error('an image of the repository references the layer');
    const kept: Promise<unknown>[] = [];
    const blob = await pulled.blob(name, layer.digest, upstream.source, (work) => kept.push(work));
    if (blob.kind !== 'bytes') throw new Error('a first pull streams the bytes');
    expect(blob.size).toBe(layer.size);
    expect((await new Response(blob.body).arrayBuffer()).byteLength).toBe(layer.size);
    await Promise.all(kept);
    expect(await registry.catalog.findLayer(name, layer.digest)).toMatchObject({ size: layer.size });
    expect(landed).toEqual([`${name} ${layer.digest}`]);
    expect(await registry.catalog.upstreamBlob(name, layer.digest)).toBeNull();
  });
});
