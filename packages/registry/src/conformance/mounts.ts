import { testLayerBytes } from '@edgecr/chunker/testing';
import { digestOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { type ConformanceFactories, freshRegistryId, pushBlob, streamOf } from './fixtures.ts';

/**
 * Anonymous mounts (an OCI `?mount=` without `from`) through the hosting: the blob is linked from a holder the
 * caller's check accepts, found through the catalog's holders of that blob (never every repository), by its
 * sha256 digest or its sha512 alias.
 */
export function mountsSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const registry = (await factories.registry()).registry(freshRegistryId());
    const target = `to-${crypto.randomUUID().slice(0, 8)}`;
    await registry.catalog.createRepository({ repositoryName: target });
    return { registry, target };
  };
  /** A read check that accepts `readable` and records every repository it was asked about. */
  const checker = (readable: (name: string) => boolean) => {
    const asked: string[] = [];
    const mayRead = (name: string) => {
      asked.push(name);
      return readable(name);
    };
    return { asked, mayRead };
  };

  describe('anonymous mounts', () => {
    it('links the blob from a holder the caller may read, asking only about holders', async () => {
      const { registry, target } = await fresh();
      for (const repositoryName of ['a/hidden', 'b/open', 'c/empty']) {
        await registry.catalog.createRepository({ repositoryName });
      }
      const bytes = testLayerBytes(3000, 41);
      const blob = await pushBlob(registry, 'a/hidden', bytes);
      await pushBlob(registry, 'b/open', bytes);
      const { asked, mayRead } = checker((name) => name.startsWith('b/'));
      expect(await registry.mountBlobFromAny(target, blob.digest, mayRead)).toBe(true);
      expect(asked).toEqual(['a/hidden', 'b/open']);
      const layer = await registry.catalog.findLayer(target, blob.digest);
      expect(layer).toMatchObject({ digest: blob.digest, size: bytes.length });
      expect(layer?.objectKey).toBe((await registry.catalog.findLayer('b/open', blob.digest))?.objectKey);
    });

    it('mounts nothing when no holder is readable or none holds the blob', async () => {
      const { registry, target } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'a/hidden' });
      const blob = await pushBlob(registry, 'a/hidden', testLayerBytes(100, 42));
      expect(await registry.mountBlobFromAny(target, blob.digest, () => false)).toBe(false);
      expect(await registry.catalog.findLayer(target, blob.digest)).toBeNull();
      const { asked, mayRead } = checker(() => true);
      expect(await registry.mountBlobFromAny(target, `sha256:${'e'.repeat(64)}`, mayRead)).toBe(false);
      expect(asked).toEqual([]);
      await expect(registry.mountBlobFromAny('nope', blob.digest, () => true)).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
      });
    });

    it('finds the blob by its sha512 alias', async () => {
      const { registry, target } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'src' });
      const bytes = testLayerBytes(2000, 43);
      const ref = { repositoryName: 'src', uploadId: await registry.startBlobUpload('src') };
      await registry.uploadLayerPart(ref, {}, streamOf(bytes));
      const digest = await registry.completeBlobUpload(ref, await digestOf('sha512', bytes));
      expect(await registry.mountBlobFromAny(target, digest, () => true)).toBe(true);
      expect(await registry.catalog.findLayer(target, digest)).toMatchObject({ digest, size: bytes.length });
    });

    it('pages through the holders to the one readable holder past the first page', async () => {
      const { registry, target } = await fresh();
      const holders = Array.from({ length: 105 }, (_, i) => `h/${String(i).padStart(3, '0')}`);
      for (const repositoryName of holders) await registry.catalog.createRepository({ repositoryName });
      const [first = '', ...rest] = holders;
      const { digest } = await pushBlob(registry, first, testLayerBytes(64, 44));
      for (const repositoryName of rest) await registry.mountBlob(repositoryName, digest, first);
      const readable = holders.at(-1);
      const { asked, mayRead } = checker((name) => name === readable);
      expect(await registry.mountBlobFromAny(target, digest, mayRead)).toBe(true);
      expect(asked).toEqual(holders);
    });
  });
}
