import { describe, expect, it } from 'vitest';
import { type ConformanceFactories, freshRegistryId } from './fixtures.ts';

const PUBLIC_PULL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'public', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }],
});

/** Repository policies (SetRepositoryPolicy's rules), stored by the catalog store with the repository. */
export function policiesSuite(factories: ConformanceFactories): void {
  const fresh = async () => {
    const registryId = freshRegistryId();
    return { registryId, registry: (await factories.registry()).registry(registryId) };
  };
  const me = { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/AKIAEXAMPLEKEY00001' };

  describe('repository policies', () => {
    it('sets, answers, replaces and deletes a policy, with ECR errors when there is none', async () => {
      const { registry, registryId } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app' });
      await expect(registry.catalog.getRepositoryPolicy('app')).rejects.toMatchObject({
        code: 'RepositoryPolicyNotFoundException',
        message: `Repository policy does not exist for the repository with name 'app' in the registry with id '${registryId}'`,
      });
      const answer = { registryId, repositoryName: 'app', policyText: PUBLIC_PULL };
      const input = { repositoryName: 'app', policyText: PUBLIC_PULL };
      expect(await registry.catalog.setRepositoryPolicy(input, me)).toEqual(answer);
      expect(await registry.catalog.getRepositoryPolicy('app')).toEqual(answer);
      expect(await registry.catalog.accessPolicy('app')).toEqual({ policyText: PUBLIC_PULL });
      // A pull's answers carry it, for the doors' access decision.
      const pulled = await registry.catalog.batchGetImage({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'x' }],
      });
      expect(pulled.policyText).toBe(PUBLIC_PULL);
      expect(await registry.catalog.deleteRepositoryPolicy('app')).toEqual(answer);
      await expect(registry.catalog.deleteRepositoryPolicy('app')).rejects.toMatchObject({
        code: 'RepositoryPolicyNotFoundException',
      });
      expect(await registry.catalog.accessPolicy('app')).toEqual({});
      await expect(
        registry.catalog.setRepositoryPolicy({ ...input, repositoryName: 'gone' }, me),
      ).rejects.toMatchObject({ code: 'RepositoryNotFoundException' });
      expect(await registry.catalog.accessPolicy('gone')).toEqual({});
    });

    it('refuses an invalid text, changing nothing', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app' });
      await registry.catalog.setRepositoryPolicy({ repositoryName: 'app', policyText: PUBLIC_PULL }, me);
      for (const policyText of ['not json', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}']) {
        await expect(
          registry.catalog.setRepositoryPolicy({ repositoryName: 'app', policyText }, me),
        ).rejects.toMatchObject({ code: 'InvalidParameterException' });
      }
      expect((await registry.catalog.getRepositoryPolicy('app')).policyText).toBe(PUBLIC_PULL);
    });

    it('takes force to store a policy that denies its setter SetRepositoryPolicy', async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepository({ repositoryName: 'app' });
      const lockOut = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: { AWS: me.account }, Action: 'ecr:SetRepositoryPolicy' }],
      });
      await expect(
        registry.catalog.setRepositoryPolicy({ repositoryName: 'app', policyText: lockOut }, me),
      ).rejects.toMatchObject({ code: 'InvalidParameterException' });
      await expect(registry.catalog.getRepositoryPolicy('app')).rejects.toMatchObject({
        code: 'RepositoryPolicyNotFoundException',
      });
      await registry.catalog.setRepositoryPolicy(
        { repositoryName: 'app', policyText: lockOut, force: true },
        me,
      );
      expect((await registry.catalog.getRepositoryPolicy('app')).policyText).toBe(lockOut);
    });

    it("gives a repository made from a template the template's policy, and refuses an invalid one", async () => {
      const { registry } = await fresh();
      await registry.catalog.createRepositoryCreationTemplate({
        prefix: 'public',
        appliedFor: ['CREATE_ON_PUSH'],
        repositoryPolicy: PUBLIC_PULL,
      });
      await registry.catalog.createRepository({ repositoryName: 'public/app' });
      expect((await registry.catalog.getRepositoryPolicy('public/app')).policyText).toBe(PUBLIC_PULL);
      expect(await registry.catalog.pushTarget('public/pushed')).toBe('created');
      expect((await registry.catalog.accessPolicy('public/pushed')).policyText).toBe(PUBLIC_PULL);
      // The repository keeps no policy on its wire record.
      await registry.catalog.createRepository({ repositoryName: 'private' });
      await expect(registry.catalog.getRepositoryPolicy('private')).rejects.toMatchObject({
        code: 'RepositoryPolicyNotFoundException',
      });
      await expect(
        registry.catalog.createRepositoryCreationTemplate({
          prefix: 'bad',
          appliedFor: ['CREATE_ON_PUSH'],
          repositoryPolicy: '{"Version":"2012-10-17"}',
        }),
      ).rejects.toMatchObject({ code: 'InvalidParameterException' });
    });
  });
}
