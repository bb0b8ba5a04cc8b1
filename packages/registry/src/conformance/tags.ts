import { describe, expect, it } from 'vitest';
import { type ConformanceFactories, freshRegistryId } from './fixtures.ts';

/** A repository's tags (TagResource's rules), stored by the catalog store. */
export function tagsSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const registryId = freshRegistryId();
    return { registryId, registry: (await factories.registry()).registry(registryId) };
  };
  const tags = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ Key: `k${from + i}`, Value: `v${from + i}` }));

  describe('repository tags', () => {
    it('adds, replaces and removes tags, keeping the others in order', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app', tags: [{ Key: 'team', Value: 'a' }] });
      await registry.catalog.tagRepository('app', [
        { Key: 'env', Value: 'prod' },
        { Key: 'team', Value: 'b' },
        { Key: 'empty', Value: '' },
      ]);
      expect(await registry.catalog.repositoryTags('app')).toEqual([
        { Key: 'team', Value: 'b' },
        { Key: 'env', Value: 'prod' },
        { Key: 'empty', Value: '' },
      ]);
      await registry.catalog.untagRepository('app', ['team', 'not-there']);
      expect(await registry.catalog.repositoryTags('app')).toEqual([
        { Key: 'env', Value: 'prod' },
        { Key: 'empty', Value: '' },
      ]);
      // The tags are the repository's: DescribeRepositories' record carries them too.
      const [record] = (await registry.catalog.describeRepositories({ repositoryNames: ['app'] }))
        .repositories;
      expect(record?.tags).toHaveLength(2);
    });

    it('holds at most 50 tags, refusing a change past that and keeping what was there', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app', tags: tags(49) });
      await registry.catalog.tagRepository('app', [{ Key: 'k0', Value: 'changed' }, ...tags(1, 49)]);
      await expect(registry.catalog.tagRepository('app', tags(1, 50))).rejects.toMatchObject({
        code: 'TooManyTagsException',
      });
      expect(await registry.catalog.repositoryTags('app')).toHaveLength(50);
      await expect(
        registry.catalog.createRepository({ repositoryName: 'crowded', tags: tags(51) }),
      ).rejects.toMatchObject({ code: 'TooManyTagsException' });
      await expect(registry.catalog.repositoryTags('crowded')).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
      });
    });

    it('refuses reserved, empty, over-long and ill-formed keys and values, changing nothing', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({
        repositoryName: 'app',
        tags: [{ Key: 'keep', Value: 'me' }],
      });
      for (const bad of [
        { Key: 'aws:owner', Value: 'x' },
        { Key: 'AWS:owner', Value: 'x' },
        { Key: '', Value: 'x' },
        { Key: 'k'.repeat(129), Value: 'x' },
        { Key: 'k', Value: 'v'.repeat(257) },
        { Key: 'semi;colon', Value: 'x' },
      ]) {
        await expect(
          registry.catalog.tagRepository('app', [{ Key: 'fine', Value: 'ok' }, bad]),
        ).rejects.toMatchObject({ code: 'InvalidTagParameterException' });
      }
      await expect(registry.catalog.untagRepository('app', ['aws:owner'])).rejects.toMatchObject({
        code: 'InvalidTagParameterException',
      });
      await expect(
        registry.catalog.createRepository({
          repositoryName: 'reserved',
          tags: [{ Key: 'aws:x', Value: 'y' }],
        }),
      ).rejects.toMatchObject({ code: 'InvalidTagParameterException' });
      // The limits are inclusive, counted in characters.
      await registry.catalog.tagRepository('app', [{ Key: 'é'.repeat(128), Value: 'ü'.repeat(256) }]);
      expect(await registry.catalog.repositoryTags('app')).toEqual([
        { Key: 'keep', Value: 'me' },
        { Key: 'é'.repeat(128), Value: 'ü'.repeat(256) },
      ]);
    });

    it('answers a repository that does not exist', async () => {
      const { registry, registryId } = await fresh();
      for (const attempt of [
        () => registry.catalog.tagRepository('nope', tags(1)),
        () => registry.catalog.untagRepository('nope', ['k0']),
        () => registry.catalog.repositoryTags('nope'),
      ]) {
        await expect(attempt()).rejects.toMatchObject({
          code: 'RepositoryNotFoundException',
          message: `The repository with name 'nope' does not exist in the registry with id '${registryId}'`,
        });
      }
    });
  });
}
