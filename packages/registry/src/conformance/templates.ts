import { describe, expect, it } from 'vitest';
import {
  type ConformanceFactories,
  dockerManifest,
  freshRegistryId,
  keepNewest,
  pushBlob,
} from './fixtures.ts';

const KEEP_FIVE = keepNewest(5);

/** Repository creation templates: stored by the catalog store, applied to the repositories created. */
export function templatesSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const registryId = freshRegistryId();
    return { registryId, catalog: (await factories.registry()).registry(registryId).catalog };
  };

  describe('repository creation templates', () => {
    it('creates, describes, updates and deletes templates with ECR errors for what is or is not there', async () => {
      const { registryId, catalog } = await fresh();
      const created = await catalog.createRepositoryCreationTemplate({
        prefix: 'prod',
        appliedFor: ['CREATE_ON_PUSH', 'CREATE_ON_PUSH'],
        description: 'production',
        imageTagMutability: 'IMMUTABLE',
        resourceTags: [{ Key: 'env', Value: 'prod' }],
        lifecyclePolicy: KEEP_FIVE,
        repositoryPolicy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}',
      });
      expect(created).toMatchObject({
        registryId,
        repositoryCreationTemplate: {
          prefix: 'prod',
          appliedFor: ['CREATE_ON_PUSH'],
          description: 'production',
        },
      });
      await catalog.createRepositoryCreationTemplate({ prefix: 'ROOT', appliedFor: ['REPLICATION'] });
      await expect(
        catalog.createRepositoryCreationTemplate({ prefix: 'prod', appliedFor: ['REPLICATION'] }),
      ).rejects.toMatchObject({ code: 'TemplateAlreadyExistsException' });

      const updated = await catalog.updateRepositoryCreationTemplate({
        prefix: 'prod',
        imageTagMutability: 'MUTABLE',
        appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
      });
      // What the update leaves out stays.
      expect(updated.repositoryCreationTemplate).toMatchObject({
        prefix: 'prod',
        description: 'production',
        imageTagMutability: 'MUTABLE',
        appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
        lifecyclePolicy: KEEP_FIVE,
      });

      const all = await catalog.describeRepositoryCreationTemplates({});
      expect(all.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['ROOT', 'prod']);
      const first = await catalog.describeRepositoryCreationTemplates({ maxResults: 1 });
      expect(first.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['ROOT']);
      const second = await catalog.describeRepositoryCreationTemplates({
        maxResults: 1,
        ...(first.nextToken !== undefined && { nextToken: first.nextToken }),
      });
      expect(second.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['prod']);
      expect(second.nextToken).toBeUndefined();
      const named = await catalog.describeRepositoryCreationTemplates({ prefixes: ['prod', 'dev'] });
      expect(named.repositoryCreationTemplates?.map((t) => t.prefix)).toEqual(['prod']);

      expect(
        (await catalog.deleteRepositoryCreationTemplate('prod')).repositoryCreationTemplate?.prefix,
      ).toBe('prod');
      for (const attempt of [
        catalog.deleteRepositoryCreationTemplate('prod'),
        catalog.updateRepositoryCreationTemplate({ prefix: 'prod', description: 'x' }),
      ]) {
        await expect(attempt).rejects.toMatchObject({ code: 'TemplateNotFoundException' });
      }
    });

    it('refuses a bad template with the error of the rule it breaks, storing nothing', async () => {
      const { catalog } = await fresh();
      const bad: [Parameters<typeof catalog.createRepositoryCreationTemplate>[0], string][] = [
        [{ prefix: 'p', appliedFor: ['CREATE_ON_PUSH'] }, 'InvalidParameterException'],
        [{ prefix: 'a'.repeat(31), appliedFor: ['CREATE_ON_PUSH'] }, 'InvalidParameterException'],
        [{ prefix: 'team', appliedFor: [] }, 'InvalidParameterException'],
        [
          { prefix: 'team', appliedFor: ['CREATE_ON_PUSH'], lifecyclePolicy: '{"rules":[]}' },
          'InvalidParameterException',
        ],
        [
          {
            prefix: 'team',
            appliedFor: ['CREATE_ON_PUSH'],
            imageTagMutability: 'IMMUTABLE',
            imageTagMutabilityExclusionFilters: [
              {
                filterType: 'WILDCARD',
                filter: 'dev-*',
              },
            ],
          },
          'InvalidParameterException',
        ],
        [
          { prefix: 'team', appliedFor: ['CREATE_ON_PUSH'], resourceTags: [{ Key: 'aws:x', Value: 'y' }] },
          'InvalidTagParameterException',
        ],
      ];
      for (const [input, code] of bad) {
        await expect(catalog.createRepositoryCreationTemplate(input)).rejects.toMatchObject({ code });
      }
      expect((await catalog.describeRepositoryCreationTemplates({})).repositoryCreationTemplates).toEqual([]);
      await catalog.createRepositoryCreationTemplate({ prefix: 'team', appliedFor: ['CREATE_ON_PUSH'] });
      await expect(
        catalog.updateRepositoryCreationTemplate({ prefix: 'team', lifecyclePolicy: 'not json' }),
      ).rejects.toMatchObject({ code: 'InvalidParameterException' });
      const [kept] =
        (await catalog.describeRepositoryCreationTemplates({})).repositoryCreationTemplates ?? [];
      expect(kept?.lifecyclePolicy).toBeUndefined();
    });

    it('gives CreateRepository what it leaves unset from the longest covering prefix, else ROOT', async () => {
      const { catalog } = await fresh();
      await catalog.createRepositoryCreationTemplate({
        prefix: 'ROOT',
        appliedFor: ['REPLICATION'],
        resourceTags: [{ Key: 'from', Value: 'root' }],
      });
      await catalog.createRepositoryCreationTemplate({
        prefix: 'prod',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'IMMUTABLE',
        resourceTags: [{ Key: 'from', Value: 'prod' }],
      });
      await catalog.createRepositoryCreationTemplate({
        prefix: 'prod/team',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          {
            filterType: 'WILDCARD',
            filter: 'latest',
          },
        ],
        resourceTags: [
          { Key: 'from', Value: 'team' },
          { Key: 'team', Value: 'a' },
        ],
        lifecyclePolicy: KEEP_FIVE,
      });
      const team = await catalog.createRepository({
        repositoryName: 'prod/team/app',
        tags: [{ Key: 'team', Value: 'b' }],
      });
      expect(team).toMatchObject({
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          {
            filterType: 'WILDCARD',
            filter: 'latest',
          },
        ],
        // The template's tags, the request's over them.
        tags: [
          { Key: 'from', Value: 'team' },
          { Key: 'team', Value: 'b' },
        ],
      });
      expect((await catalog.getLifecyclePolicy('prod/team/app')).lifecyclePolicyText).toBe(KEEP_FIVE);
      // What the request sets wins.
      const mutable = await catalog.createRepository({
        repositoryName: 'prod/web',
        imageTagMutability: 'MUTABLE',
      });
      expect(mutable).toMatchObject({
        imageTagMutability: 'MUTABLE',
        tags: [{ Key: 'from', Value: 'prod' }],
      });
      await expect(catalog.getLifecyclePolicy('prod/web')).rejects.toMatchObject({
        code: 'LifecyclePolicyNotFoundException',
      });
      // `prod` covers `prod/…` only (ECR assumes the slash): `production` falls to ROOT.
      const other = await catalog.createRepository({ repositoryName: 'production' });
      expect(other).toMatchObject({ imageTagMutability: 'MUTABLE', tags: [{ Key: 'from', Value: 'root' }] });
    });

    it('creates a pushed missing repository only under a CREATE_ON_PUSH template', async () => {
      const { registryId, catalog } = await fresh();
      await catalog.createRepositoryCreationTemplate({
        prefix: 'mirror',
        appliedFor: ['PULL_THROUGH_CACHE'],
        imageTagMutability: 'IMMUTABLE',
      });
      await expect(catalog.pushTarget('mirror/app')).rejects.toMatchObject({
        code: 'RepositoryNotFoundException',
        message: `The repository with name 'mirror/app' does not exist in the registry with id '${registryId}'`,
      });
      await catalog.createRepositoryCreationTemplate({
        prefix: 'ci',
        appliedFor: ['CREATE_ON_PUSH'],
        imageTagMutability: 'IMMUTABLE',
        resourceTags: [{ Key: 'made', Value: 'push' }],
        lifecyclePolicy: KEEP_FIVE,
      });
      expect(await catalog.pushTarget('ci/app')).toBe('created');
      expect(await catalog.pushTarget('ci/app')).toBe('present');
      const [record] = (await catalog.describeRepositories({ repositoryNames: ['ci/app'] })).repositories;
      expect(record).toMatchObject({
        imageTagMutability: 'IMMUTABLE',
        tags: [{ Key: 'made', Value: 'push' }],
      });
      expect((await catalog.getLifecyclePolicy('ci/app')).lifecyclePolicyText).toBe(KEEP_FIVE);
      // A ROOT template for pushes covers every other name, a PULL_THROUGH_CACHE template's included.
      await catalog.createRepositoryCreationTemplate({ prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'] });
      expect(await catalog.pushTarget('mirror/app')).toBe('created');
      const [mirror] = (await catalog.describeRepositories({ repositoryNames: ['mirror/app'] })).repositories;
      expect(mirror?.imageTagMutability).toBe('MUTABLE');
    });

    it('runs the lifecycle policy a repository took from its template, an interval after its creation', async () => {
      const fixture = await factories.registry();
      const registryId = freshRegistryId();
      const registry = fixture.registry(registryId);
      const keepOne = keepNewest(1);
      await registry.catalog.createRepositoryCreationTemplate({
        prefix: 'ci',
        appliedFor: ['CREATE_ON_PUSH'],
        lifecyclePolicy: keepOne,
      });
      expect(await registry.catalog.pushTarget('ci/app')).toBe('created');
      const config = await pushBlob(registry, 'ci/app', new TextEncoder().encode(`{"id":"${registryId}"}`));
      for (const tag of ['v1', 'v2']) {
        const layer = await pushBlob(registry, 'ci/app', new TextEncoder().encode(`${tag} of ${registryId}`));
        await registry.catalog.putImage({
          repositoryName: 'ci/app',
          imageManifest: dockerManifest(config, [layer]),
          imageTag: tag,
        });
      }
      await fixture.age(registryId, fixture.lifecycleIntervalSeconds);
      const left = await registry.catalog.listImages({ repositoryName: 'ci/app' });
      // Both were pushed within the same second, so which one stays is the engine's tie-break; one does.
      expect(left.imageIds).toHaveLength(1);
    });
  });
}
