import { describe, expect, it } from 'vitest';
import { type ConformanceFactories, freshRegistryId } from './fixtures.ts';

/** The rules of repositories and layer lookups, through the registry service. */
export function catalogSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const registryId = freshRegistryId();
    return { registryId, registry: (await factories.registry()).registry(registryId) };
  };

  describe('repositories', () => {
    it('creates a repository with ECR defaults and refuses a second of the same name', async () => {
      const { registry, registryId } = await fresh();
      const created = await registry.catalog.createRepository({
        repositoryName: 'team/app',
        tags: [{ Key: 'a', Value: 'b' }],
      });
      expect(created).toMatchObject({
        repositoryName: 'team/app',
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: false },
        encryptionConfiguration: { encryptionType: 'AES256' },
        tags: [{ Key: 'a', Value: 'b' }],
      });
      await expect(registry.catalog.createRepository({ repositoryName: 'team/app' })).rejects.toMatchObject({
        code: 'RepositoryAlreadyExistsException',
        message: `The repository with name 'team/app' already exists in the registry with id '${registryId}'`,
      });
    });

    it('pages through every repository in name order', async () => {
      const { registry } = await fresh();
      const names = ['c', 'a', 'e', 'b', 'd'];
      for (const repositoryName of names) await registry.catalog.createRepository({ repositoryName });
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await registry.catalog.describeRepositories({
          maxResults: 2,
          ...(nextToken && { nextToken }),
        });
        expect(page.repositories.length).toBeLessThanOrEqual(2);
        seen.push(...page.repositories.map((r) => r.repositoryName));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('describes named repositories, all of which must exist, and never pages them', async () => {
      const { registry, registryId } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'one' });
      const page = await registry.catalog.describeRepositories({ repositoryNames: ['one'] });
      expect(page.repositories.map((r) => r.repositoryName)).toEqual(['one']);
      await expect(
        registry.catalog.describeRepositories({ repositoryNames: ['one', 'two'] }),
      ).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
        message: `The repository with name 'two' does not exist in the registry with id '${registryId}'`,
      });
      await expect(
        registry.catalog.describeRepositories({ repositoryNames: ['one'], maxResults: 1 }),
      ).rejects.toMatchObject({ code: 'InvalidParameterException' });
    });

    it('refuses a page token it did not issue', async () => {
      const { registry } = await fresh();
      await expect(registry.catalog.describeRepositories({ nextToken: 'not-ours' })).rejects.toMatchObject({
        code: 'InvalidParameterException',
      });
    });

    it('deletes a repository, after which it is not found', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'gone' });
      expect((await registry.catalog.deleteRepository('gone')).repositoryName).toBe('gone');
      await expect(registry.catalog.deleteRepository('gone')).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
      });
      await expect(registry.initiateLayerUpload('gone')).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
      });
    });

    it('keeps registries apart', async () => {
      const fixture = await factories.registry();
      const a = fixture.registry(freshRegistryId());
      const b = fixture.registry(freshRegistryId());
      await a.catalog.createRepository({ repositoryName: 'shared-name' });
      await b.catalog.createRepository({ repositoryName: 'shared-name' });
      await a.catalog.deleteRepository('shared-name');
      expect((await b.catalog.describeRepositories({})).repositories.map((r) => r.repositoryName)).toEqual([
        'shared-name',
      ]);
    });
  });

  describe('layer lookups', () => {
    it('reports missing and malformed digests as failures, and needs the repository', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app' });
      const missing = `sha256:${'b'.repeat(64)}`;
      expect(await registry.catalog.checkLayers('app', [missing, 'not-a-digest'])).toEqual({
        layers: [],
        failures: [
          {
            layerDigest: missing,
            failureCode: 'MissingLayerDigest',
            failureReason: 'Requested layer digest does not exist',
          },
          {
            layerDigest: 'not-a-digest',
            failureCode: 'InvalidLayerDigest',
            failureReason: 'Invalid layer digest',
          },
        ],
      });
      expect(await registry.catalog.findLayer('app', missing)).toBeNull();
      await expect(registry.catalog.checkLayers('nope', [missing])).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
      });
    });
  });
}
