// `edgecr lifecycle` against a real `wrangler dev`: a policy refused in ECR's words and nothing changed, set
// from standard input, shown, previewed (exactly the images its rules expire, with the rule of each, as a table
// and as JSON), refused to a pull-only key, deleted; wrong command lines exit 2.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { ociLayoutOneLayer } from '@edgecr/image-archive/testing';
import { KEEP_ONE_UNTAGGED_AND_ONE_RELEASE } from '@edgecr/testkit/lifecyclePolicy';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, LOCAL_KEY, runCli } from './_cli.ts';

let stack: LocalStack;
let home: string;
let env: NodeJS.ProcessEnv;
let ecr: EcrClient;

beforeAll(async () => {
  stack = await startLocalStack();
  home = await mkdtemp(join(tmpdir(), 'edgecr-cli-lifecycle-'));
  env = cliEnv(stack.endpoint, home);
  ecr = new EcrClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_KEY,
    transport: fetchTransport(),
  });
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeState(stack);
  if (home) await rm(home, { recursive: true, force: true });
});

/** Keep the newest untagged image and the newest release (`v*`); an image of neither kind stays. */
const POLICY = KEEP_ONE_UNTAGGED_AND_ONE_RELEASE;

/** The rows of a table the CLI printed, each split into its cells; the header first. */
function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

/**
 * A repository holding `base` (pushed with the CLI), then releases v1..v3 and two untagged images (PutImage of
 * the same layer, told apart by an annotation), in that order. Returns the digests by name.
 */
async function seed(repositoryName: string): Promise<Record<string, string>> {
  await ecr.createRepository({ repositoryName });
  const base = await ociLayoutOneLayer(new TextEncoder().encode('lifecycle layer\n'), 'base');
  const file = join(home, `${repositoryName}.tar`);
  await writeFile(file, new Uint8Array(await base.archive.arrayBuffer()));
  const pushed = await runCli(['push', file, `${repositoryName}:base`], env);
  expect(pushed.code, pushed.stderr).toBe(0);
  const digests: Record<string, string> = { base: base.facts.manifest.digest };
  const manifest = JSON.parse(new TextDecoder().decode(base.facts.manifest.bytes));
  for (const name of ['v1', 'v2', 'v3', 'u1', 'u2']) {
    // The registry keeps push times in whole seconds, and a policy keeps the newest: one push a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const imageManifest = JSON.stringify({ ...manifest, annotations: { name } });
    const answer = await ecr.putImage({
      repositoryName,
      imageManifest,
      ...(name.startsWith('v') && { imageTag: name }),
    });
    digests[name] = answer.image?.imageId?.imageDigest ?? '';
  }
  return digests;
}

describe('edgecr lifecycle', () => {
  it('refuses a bad policy in ECR’s words, sets one from stdin, shows it, previews it, deletes it', async () => {
    const digests = await seed('cycle');
    const none = await runCli(['lifecycle', 'get', 'cycle'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'edgecr: cycle has no lifecycle policy: `edgecr lifecycle put cycle <file>`',
    );
    expect(none.stderr).toContain('(LifecyclePolicyNotFoundException: ');

    const twice = JSON.parse(POLICY);
    twice.rules[1].rulePriority = 1;
    const badFile = join(home, 'bad.json');
    await writeFile(badFile, JSON.stringify(twice));
    const refused = await runCli(['lifecycle', 'put', 'cycle', badFile], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('edgecr: The registry refused the lifecycle policy; nothing changed.');
    expect(refused.stderr).toMatch(/\(InvalidParameterException: .*Lifecycle policy validation failure: /);
    expect((await runCli(['lifecycle', 'get', 'cycle'], env)).code).toBe(1);

    const put = await runCli(['lifecycle', 'put', 'cycle', '-'], env, undefined, POLICY);
    expect(put).toMatchObject({ code: 0, stdout: 'set the lifecycle policy of cycle\n' });
    const got = await runCli(['lifecycle', 'get', 'cycle'], env);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(`${JSON.stringify(JSON.parse(POLICY), null, 2)}\n`);
    const gotJson = JSON.parse((await runCli(['lifecycle', 'get', 'cycle', '--json'], env)).stdout);
    expect(gotJson).toMatchObject({ repositoryName: 'cycle', lifecyclePolicyText: POLICY });

    const preview = await runCli(['lifecycle', 'preview', 'cycle'], env);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stderr).toContain('3 images would expire.');
    const [header, ...expiring] = rows(preview.stdout);
    expect(header).toEqual(['DIGEST', 'TAGS', 'PUSHED', 'RULE']);
    // Oldest push first: the two older releases by rule 2, the older untagged image by rule 1.
    expect(expiring.map(([digest, tags, , rule]) => [digest, tags, rule])).toEqual([
      [digests.v1, 'v1', '2'],
      [digests.v2, 'v2', '2'],
      [digests.u1, '<untagged>', '1'],
    ]);

    const asJson = await runCli(['lifecycle', 'preview', 'cycle', '--json'], env);
    expect(asJson.code).toBe(0);
    const answer = JSON.parse(asJson.stdout);
    expect(answer).toMatchObject({
      status: 'COMPLETE',
      lifecyclePolicyText: POLICY,
      summary: { expiringImageTotalCount: 3 },
    });
    expect(answer.previewResults.map((r: { imageDigest: string }) => r.imageDigest)).toEqual([
      digests.v1,
      digests.v2,
      digests.u1,
    ]);
    // A preview expires nothing.
    expect((await ecr.describeImages({ repositoryName: 'cycle' })).imageDetails).toHaveLength(6);

    const deleted = await runCli(['lifecycle', 'delete', 'cycle'], env);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted the lifecycle policy of cycle\n' });
    expect((await runCli(['lifecycle', 'get', 'cycle'], env)).stderr).toContain('has no lifecycle policy');
  });

  it('reads every page of a preview: 149 of 150 untagged images would expire', async () => {
    await ecr.createRepository({ repositoryName: 'pages' });
    const base = await ociLayoutOneLayer(new TextEncoder().encode('paged layer\n'), 'base');
    const file = join(home, 'pages.tar');
    await writeFile(file, new Uint8Array(await base.archive.arrayBuffer()));
    expect((await runCli(['push', file, 'pages:base'], env)).code).toBe(0);
    const manifest = JSON.parse(new TextDecoder().decode(base.facts.manifest.bytes));
    const queue = Array.from({ length: 150 }, (_, n) => n);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          await ecr.putImage({
            repositoryName: 'pages',
            imageManifest: JSON.stringify({ ...manifest, annotations: { n: String(n) } }),
          });
        }
      }),
    );
    const keepOne = JSON.stringify({ rules: [JSON.parse(POLICY).rules[0]] });
    await writeFile(join(home, 'keep-one.json'), keepOne);
    // GetLifecyclePolicyPreview answers at most 100 results a page.
    const asJson = await runCli(
      ['lifecycle', 'preview', 'pages', join(home, 'keep-one.json'), '--json'],
      env,
    );
    expect(asJson.code, asJson.stderr).toBe(0);
    const answer = JSON.parse(asJson.stdout);
    expect(answer.summary).toEqual({ expiringImageTotalCount: 149 });
    expect(new Set(answer.previewResults.map((r: { imageDigest: string }) => r.imageDigest)).size).toBe(149);
    const text = await runCli(['lifecycle', 'preview', 'pages', join(home, 'keep-one.json')], env);
    expect(rows(text.stdout)).toHaveLength(150);
    expect(text.stderr).toContain('149 images would expire.');
  });

  it('previews a file without setting it, refuses a pull-only key, and answers wrong lines with exit 2', async () => {
    await ecr.createRepository({ repositoryName: 'other' });
    const file = join(home, 'policy.json');
    await writeFile(file, POLICY);
    const preview = await runCli(['lifecycle', 'preview', 'other', file], env);
    expect(preview).toMatchObject({ code: 0, stdout: '' });
    expect(preview.stderr).toContain('No image would expire.');
    expect((await runCli(['lifecycle', 'get', 'other'], env)).code).toBe(1);

    const pullKey = {
      ...env,
      AWS_ACCESS_KEY_ID: 'AKIAEDGECRLOCALPULL1',
      AWS_SECRET_ACCESS_KEY: 'edgecr-local-pull-secret',
    };
    const denied = await runCli(['lifecycle', 'put', 'other', file], pullKey);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      'edgecr: This key may not put the lifecycle policy of other: that needs admin permission',
    );
    expect(denied.stderr).toContain('(AccessDeniedException: ');

    const missing = await runCli(['lifecycle', 'get', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no repository named "nope"');

    for (const args of [
      ['lifecycle', 'frob', 'other'],
      ['lifecycle', 'put', 'other'],
      ['lifecycle', 'get'],
      ['lifecycle', 'put', 'other', join(home, 'absent.json')],
      ['ls', '--json'],
    ]) {
      const wrong = await runCli(args, env);
      expect(wrong.code, args.join(' ')).toBe(2);
      expect(wrong.stderr).toContain('Usage:');
    }
  });
});
