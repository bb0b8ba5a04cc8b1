// Repository policies against `wrangler dev`: the AWS CLI runs the three operations in the shapes its own model
// expects; anonymous skopeo pulls a repository whose policy allows everyone and is refused on a private one; a
// key of another registry is refused until a policy lets it in.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { type RegistryTarget, skopeoCopy } from '@edgecr/testkit/ociClients';
import { writeOciLayout } from '@edgecr/testkit/ociLayout';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, loginPassword } from './_aws.ts';
import { LOCAL_CREDENTIALS, localAwsEnvironment } from './_layers.ts';

const REGISTRY_ID = '123456789012';
const OTHER = {
  accessKeyId: 'AKIAEDGECROTHERREG01',
  secretAccessKey: 'edgecr-e2e-other-registry-secret',
  registryId: '444455556666',
};
const PUBLIC_PULL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'public',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    },
  ],
});

/** `aws ecr <args>` with the key of another registry. */
async function awsAsOther(
  stack: LocalStack,
  args: string[],
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const env = {
    ...localAwsEnvironment(),
    AWS_ACCESS_KEY_ID: OTHER.accessKeyId,
    AWS_SECRET_ACCESS_KEY: OTHER.secretAccessKey,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'aws',
      ['ecr', ...args, '--endpoint-url', stack.endpoint, '--output', 'json'],
      { env },
    );
    return { ok: true, stdout, stderr };
  } catch (error) {
    return { ok: false, stdout: '', stderr: (error as { stderr: string }).stderr };
  }
}

describe('repository policies with the AWS CLI and anonymous skopeo', () => {
  let stack: LocalStack;
  let dir: string;
  let registry: RegistryTarget;
  let anonymous: RegistryTarget;

  beforeAll(async () => {
    const credentials = {
      [LOCAL_CREDENTIALS.accessKeyId]: {
        secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
        registryId: REGISTRY_ID,
        permission: 'admin',
      },
      [OTHER.accessKeyId]: {
        secretAccessKey: OTHER.secretAccessKey,
        registryId: OTHER.registryId,
        permission: 'admin',
      },
    };
    stack = await startLocalStack({
      vars: { EDGECR_CREDENTIALS: JSON.stringify(credentials), PUBLIC_REGISTRY_ID: REGISTRY_ID },
    });
    dir = mkdtempSync(join(tmpdir(), 'edgecr-policies-e2e-'));
    registry = { host: `127.0.0.1:${stack.port}`, username: 'AWS', password: await loginPassword(stack) };
    anonymous = { host: registry.host };
    const layout = writeOciLayout(join(dir, 'layout'));
    for (const name of ['public/app', 'private/app']) {
      expect((await aws(stack, ['create-repository', '--repository-name', name])).ok).toBe(true);
      await skopeoCopy(`oci:${layout.dir}:${layout.tag}`, `docker://${registry.host}/${name}:v1`, {
        dest: registry,
      });
    }
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("sets, gets and deletes a policy in ECR's shapes, refusing invalid texts and changing nothing", async () => {
    const expected = { registryId: REGISTRY_ID, repositoryName: 'public/app', policyText: PUBLIC_PULL };
    const set = await aws(stack, [
      'set-repository-policy',
      '--repository-name',
      'public/app',
      '--policy-text',
      PUBLIC_PULL,
    ]);
    expect(set.ok, set.stderr).toBe(true);
    expect(set.json).toEqual(expected);
    expect((await aws(stack, ['get-repository-policy', '--repository-name', 'public/app'])).json).toEqual(
      expected,
    );
    for (const bad of [
      'not json',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}]}',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Principal":"*","Action":"ecr:*"}]}',
    ]) {
      const refused = await aws(stack, [
        'set-repository-policy',
        '--repository-name',
        'public/app',
        '--policy-text',
        bad,
      ]);
      expect(refused.stderr).toContain('(InvalidParameterException)');
      expect(refused.stderr).toContain('Invalid repository policy provided');
    }
    expect((await aws(stack, ['get-repository-policy', '--repository-name', 'public/app'])).json).toEqual(
      expected,
    );

    const other = await aws(stack, ['get-repository-policy', '--repository-name', 'private/app']);
    expect(other.stderr).toContain('(RepositoryPolicyNotFoundException)');
    const deleted = await aws(stack, [
      'set-repository-policy',
      '--repository-name',
      'private/app',
      '--policy-text',
      PUBLIC_PULL,
    ]);
    expect(deleted.ok).toBe(true);
    expect((await aws(stack, ['delete-repository-policy', '--repository-name', 'private/app'])).json).toEqual(
      {
        ...expected,
        repositoryName: 'private/app',
      },
    );
  });

  it('lets anonymous skopeo pull the public repository and refuses it the private one', async () => {
    // The policy was set through this stack a moment ago (the test above); set again here to stand alone.
    await aws(stack, [
      'set-repository-policy',
      '--repository-name',
      'public/app',
      '--policy-text',
      PUBLIC_PULL,
    ]);
    const pulled = join(dir, 'pulled');
    await skopeoCopy(`docker://${anonymous.host}/public/app:v1`, `oci:${pulled}:v1`, { src: anonymous });
    const index = JSON.parse(readFileSync(join(pulled, 'index.json'), 'utf8')) as { manifests: unknown[] };
    expect(index.manifests).toHaveLength(1);
    await expect(
      skopeoCopy(`docker://${anonymous.host}/private/app:v1`, `oci:${join(dir, 'refused')}:v1`, {
        src: anonymous,
      }),
    ).rejects.toThrow(/unauthorized|authentication required/i);
  });

  it('refuses a key of another registry until the policy names it', async () => {
    const describeImages = [
      'describe-images',
      '--registry-id',
      REGISTRY_ID,
      '--repository-name',
      'private/app',
    ];
    const refused = await awsAsOther(stack, describeImages);
    expect(refused.stderr).toContain('(AccessDeniedException)');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: OTHER.registryId }, Action: 'ecr:Describe*' }],
    });
    await aws(stack, ['set-repository-policy', '--repository-name', 'private/app', '--policy-text', policy]);
    const allowed = await awsAsOther(stack, describeImages);
    expect(allowed.ok, allowed.stderr).toBe(true);
    expect(JSON.parse(allowed.stdout).imageDetails.length).toBeGreaterThan(0);
  });
});
