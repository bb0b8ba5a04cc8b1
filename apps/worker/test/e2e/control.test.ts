// ECR's control plane with the AWS CLI against `wrangler dev`: a repository's tags, DescribeRegistry and
// ListImageReferrers, in the shapes the CLI's own model expects.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './_aws.ts';

const sha256 = (bytes: string | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('tags, DescribeRegistry and ListImageReferrers with the AWS CLI', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startLocalStack();
    dir = mkdtempSync(join(tmpdir(), 'edgecr-control-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  it('tags a repository at creation and by its ARN, lists and untags, and refuses a reserved key', async () => {
    const created = await aws(stack, [
      ...['create-repository', '--repository-name', 'control/tags'],
      ...['--tags', 'Key=team,Value=a', 'Key=env,Value=dev'],
    ]);
    expect(created.ok, created.stderr).toBe(true);
    const arn: string = created.json.repository.repositoryArn;
    const tagged = await aws(stack, ['tag-resource', '--resource-arn', arn, '--tags', 'Key=env,Value=prod']);
    expect(tagged.ok, tagged.stderr).toBe(true);
    expect((await aws(stack, ['list-tags-for-resource', '--resource-arn', arn])).json).toEqual({
      tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'env', Value: 'prod' },
      ],
    });
    expect((await aws(stack, ['untag-resource', '--resource-arn', arn, '--tag-keys', 'team'])).ok).toBe(true);
    expect((await aws(stack, ['list-tags-for-resource', '--resource-arn', arn])).json).toEqual({
      tags: [{ Key: 'env', Value: 'prod' }],
    });
    const reserved = await aws(stack, ['tag-resource', '--resource-arn', arn, '--tags', 'Key=aws:x,Value=y']);
    expect(reserved.ok).toBe(false);
    expect(reserved.stderr).toContain('(InvalidTagParameterException)');
    const malformed = await aws(stack, [
      'list-tags-for-resource',
      '--resource-arn',
      'repository/control/tags',
    ]);
    expect(malformed.stderr).toContain('(InvalidParameterException)');
  });

  it('describes the registry', async () => {
    const described = await aws(stack, ['describe-registry']);
    expect(described.ok, described.stderr).toBe(true);
    expect(described.json).toEqual({
      registryId: expect.stringMatching(/^[0-9]{12}$/),
      replicationConfiguration: { rules: [] },
    });
  });

  it('lists the referrers of a manifest', async () => {
    const repository = 'control/referrers';
    expect((await aws(stack, ['create-repository', '--repository-name', repository])).ok).toBe(true);
    const config = new TextEncoder().encode('{}');
    const started = await aws(stack, ['initiate-layer-upload', '--repository-name', repository]);
    const uploadId = started.json.uploadId as string;
    const path = join(dir, 'config');
    writeFileSync(path, config);
    await aws(stack, [
      ...['upload-layer-part', '--repository-name', repository, '--upload-id', uploadId],
      ...['--part-first-byte', '0', '--part-last-byte', String(config.length - 1)],
      ...['--layer-part-blob', `fileb://${path}`],
    ]);
    const completed = await aws(stack, [
      ...['complete-layer-upload', '--repository-name', repository, '--upload-id', uploadId],
      ...['--layer-digests', sha256(config)],
    ]);
    expect(completed.ok, completed.stderr).toBe(true);
    const subject = sha256('a subject that is not pushed yet');
    const signature = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(config), size: 2 },
      layers: [],
      subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 100 },
    });
    const put = await aws(stack, [
      'put-image',
      '--repository-name',
      repository,
      '--image-manifest',
      signature,
    ]);
    expect(put.ok, put.stderr).toBe(true);

    const listed = await aws(stack, [
      ...['list-image-referrers', '--repository-name', repository],
      ...['--subject-id', `imageDigest=${subject}`],
    ]);
    expect(listed.ok, listed.stderr).toBe(true);
    expect(listed.json).toEqual({
      referrers: [
        {
          digest: sha256(signature),
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/vnd.example.signature',
          size: signature.length,
          artifactStatus: 'ACTIVE',
        },
      ],
    });
  });
});
