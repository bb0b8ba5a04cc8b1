// Repository creation templates with the AWS CLI against `wrangler dev`: the four operations in the shapes the
// CLI's own model expects, and a template applied to the repositories created under its prefix.
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './_aws.ts';

describe('repository creation templates with the AWS CLI', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
  });

  it('creates, describes, updates and deletes a template, and CreateRepository takes what it leaves unset', async () => {
    const created = await aws(stack, [
      ...['create-repository-creation-template', '--prefix', 'team'],
      ...['--applied-for', 'CREATE_ON_PUSH', '--image-tag-mutability', 'IMMUTABLE'],
      ...['--resource-tags', 'Key=team,Value=a', '--description', 'team repositories'],
    ]);
    expect(created.ok, created.stderr).toBe(true);
    expect(created.json.repositoryCreationTemplate).toMatchObject({
      prefix: 'team',
      appliedFor: ['CREATE_ON_PUSH'],
      imageTagMutability: 'IMMUTABLE',
    });
    const again = await aws(stack, [
      ...['create-repository-creation-template', '--prefix', 'team', '--applied-for', 'REPLICATION'],
    ]);
    expect(again.stderr).toContain('(TemplateAlreadyExistsException)');

    const updated = await aws(stack, [
      ...['update-repository-creation-template', '--prefix', 'team', '--description', 'renamed'],
    ]);
    expect(updated.ok, updated.stderr).toBe(true);
    const described = await aws(stack, ['describe-repository-creation-templates', '--prefixes', 'team']);
    expect(described.json.repositoryCreationTemplates).toEqual([
      expect.objectContaining({
        prefix: 'team',
        description: 'renamed',
        resourceTags: [{ Key: 'team', Value: 'a' }],
      }),
    ]);

    const repository = await aws(stack, ['create-repository', '--repository-name', 'team/app']);
    expect(repository.ok, repository.stderr).toBe(true);
    expect(repository.json.repository.imageTagMutability).toBe('IMMUTABLE');
    const tags = await aws(stack, [
      ...['list-tags-for-resource', '--resource-arn', repository.json.repository.repositoryArn],
    ]);
    expect(tags.json.tags).toEqual([{ Key: 'team', Value: 'a' }]);

    expect((await aws(stack, ['delete-repository-creation-template', '--prefix', 'team'])).ok).toBe(true);
    const gone = await aws(stack, ['delete-repository-creation-template', '--prefix', 'team']);
    expect(gone.stderr).toContain('(TemplateNotFoundException)');
  });
});
