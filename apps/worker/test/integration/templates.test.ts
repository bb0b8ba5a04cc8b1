import { describe, expect, it } from 'vitest';
import { call, KEYS } from './_api.ts';
import { basicAuth, oci, pushBlob } from './_oci.ts';

const LIFECYCLE = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: 'expire untagged images after a day',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
      action: { type: 'expire' },
    },
  ],
});

/** A prefix of its own per test: templates are registry-wide, and the test files share the registry. */
function freshPrefix(): string {
  return `tpl${crypto.randomUUID().slice(0, 8)}`;
}

describe('ECR door: repository creation templates', () => {
  it("runs the four operations with ECR's shapes and errors, and the permission each needs", async () => {
    const prefix = freshPrefix();
    const input = {
      prefix,
      appliedFor: ['CREATE_ON_PUSH'],
      description: 'team templates',
      imageTagMutability: 'IMMUTABLE',
      resourceTags: [{ Key: 'team', Value: 'a' }],
      lifecyclePolicy: LIFECYCLE,
    };
    const created = await call('CreateRepositoryCreationTemplate', input);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ registryId: '123456789012', repositoryCreationTemplate: input });
    expect(typeof created.json.repositoryCreationTemplate.createdAt).toBe('number');
    const again = await call('CreateRepositoryCreationTemplate', input);
    expect([again.status, again.json.__type]).toEqual([400, 'TemplateAlreadyExistsException']);

    const refused = await call('CreateRepositoryCreationTemplate', input, { credentials: KEYS.pullOnly });
    expect([refused.status, refused.json.__type]).toEqual([400, 'AccessDeniedException']);
    const described = await call(
      'DescribeRepositoryCreationTemplates',
      { prefixes: [prefix] },
      { credentials: KEYS.pullOnly },
    );
    expect(described.json.repositoryCreationTemplates).toEqual([created.json.repositoryCreationTemplate]);

    const updated = await call('UpdateRepositoryCreationTemplate', { prefix, description: 'renamed' });
    expect(updated.json.repositoryCreationTemplate).toMatchObject({ ...input, description: 'renamed' });
    const badPrefix = await call('CreateRepositoryCreationTemplate', { ...input, prefix: 'Upper' });
    expect([badPrefix.status, badPrefix.json.__type]).toEqual([400, 'InvalidParameterException']);
    const badPolicy = await call('UpdateRepositoryCreationTemplate', { prefix, lifecyclePolicy: '{' });
    expect([badPolicy.status, badPolicy.json.__type]).toEqual([400, 'InvalidParameterException']);

    const deleted = await call('DeleteRepositoryCreationTemplate', { prefix });
    expect(deleted.json.repositoryCreationTemplate).toMatchObject({ prefix, description: 'renamed' });
    const gone = await call('DeleteRepositoryCreationTemplate', { prefix });
    expect([gone.status, gone.json.__type]).toEqual([400, 'TemplateNotFoundException']);
  });

  it('creates a repository on an OCI push under a CREATE_ON_PUSH template, with its settings', async () => {
    const prefix = freshPrefix();
    const name = `${prefix}/app`;
    const auth = await basicAuth();
    const before = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth });
    expect(before.status).toBe(404);
    await call('CreateRepositoryCreationTemplate', {
      prefix,
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'IMMUTABLE',
      resourceTags: [{ Key: 'made-by', Value: 'push' }],
      lifecyclePolicy: LIFECYCLE,
    });
    try {
      await pushBlob(name, new TextEncoder().encode(`a layer of ${name}`), auth);
      const { json } = await call('DescribeRepositories', { repositoryNames: [name] });
      expect(json.repositories[0]).toMatchObject({ repositoryName: name, imageTagMutability: 'IMMUTABLE' });
      const arn = json.repositories[0].repositoryArn;
      expect((await call('ListTagsForResource', { resourceArn: arn })).json.tags).toEqual([
        { Key: 'made-by', Value: 'push' },
      ]);
      const policy = await call('GetLifecyclePolicy', { repositoryName: name });
      expect(policy.json.lifecyclePolicyText).toBe(LIFECYCLE);
      // CreateRepository takes what it leaves unset from the template too (beyond ECR).
      const direct = await call('CreateRepository', {
        repositoryName: `${prefix}/direct`,
        imageTagMutability: 'MUTABLE',
      });
      expect(direct.json.repository.imageTagMutability).toBe('MUTABLE');
      const directTags = await call('ListTagsForResource', {
        resourceArn: direct.json.repository.repositoryArn,
      });
      expect(directTags.json.tags).toEqual([{ Key: 'made-by', Value: 'push' }]);
    } finally {
      await call('DeleteRepositoryCreationTemplate', { prefix });
    }
  });
});
