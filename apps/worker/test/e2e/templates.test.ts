// Repository creation templates with the AWS CLI against `wrangler dev`: the four operations in the shapes the
// CLI's own model expects, a template applied to the repositories created under its prefix, and pushes (skopeo,
// the AWS CLI) that create a missing repository only once a CREATE_ON_PUSH template covers it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { skopeoCopy } from '@edgecr/testkit/ociClients';
import { writeOciLayout } from '@edgecr/testkit/ociLayout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, loginPassword } from './_aws.ts';

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

  it('a push to a missing repository, through either door, creates it only under a CREATE_ON_PUSH template', async () => {
    const registry = {
      host: `127.0.0.1:${stack.port}`,
      username: 'AWS',
      password: await loginPassword(stack),
    };
    const dir = mkdtempSync(join(tmpdir(), 'edgecr-templates-e2e-'));
    try {
      const layout = writeOciLayout(join(dir, 'layout'));
      const push = () =>
        skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${registry.host}/pushed/app:v1`, {
          dest: registry,
        });
      await expect(push()).rejects.toThrow(/does not exist/);
      const initiate = ['initiate-layer-upload', '--repository-name', 'pushed/ecr'];
      expect((await aws(stack, initiate)).stderr).toContain('(RepositoryNotFoundException)');
      expect((await aws(stack, ['describe-repositories'])).json.repositories).toEqual([
        expect.objectContaining({ repositoryName: 'team/app' }),
      ]);

      const root = await aws(stack, [
        ...['create-repository-creation-template', '--prefix', 'ROOT', '--applied-for', 'CREATE_ON_PUSH'],
        ...['--image-tag-mutability', 'IMMUTABLE'],
      ]);
      expect(root.ok, root.stderr).toBe(true);
      await push();
      const initiated = await aws(stack, initiate);
      expect(initiated.ok, initiated.stderr).toBe(true);
      const names = ['pushed/app', 'pushed/ecr'];
      const made = await aws(stack, ['describe-repositories', '--repository-names', ...names]);
      expect(made.json.repositories).toEqual(
        names.map((repositoryName) =>
          expect.objectContaining({ repositoryName, imageTagMutability: 'IMMUTABLE' }),
        ),
      );
      const images = await aws(stack, ['describe-images', '--repository-name', 'pushed/app']);
      expect(images.json.imageDetails).toEqual(
        expect.arrayContaining([expect.objectContaining({ imageTags: ['v1'] })]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
