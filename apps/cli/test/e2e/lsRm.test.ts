// `edgecr ls` and `edgecr rm` against a real `wrangler dev`: tables of repositories and images (every page of
// a repository past DescribeImages' largest page), deletions by tag and by digest with ECR's meaning, and
// every refusal in words with ECR's code under it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EcrClient, fetchTransport } from '@edgecr/client';
import { ociLayoutOneLayer, ociLayoutTwoPlatforms } from '@edgecr/image-archive/testing';
import { freePort, type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, LOCAL_KEY, runCli } from './_cli.ts';

let stack: LocalStack;
let home: string;
let env: NodeJS.ProcessEnv;
let ecr: EcrClient;

beforeAll(async () => {
  stack = await startLocalStack();
  home = await mkdtemp(join(tmpdir(), 'edgecr-cli-ls-'));
  env = cliEnv(stack.endpoint, home);
  ecr = new EcrClient({
    endpoint: stack.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_KEY,
    transport: fetchTransport(),
  });
  for (const repositoryName of ['listed', 'empty', 'platforms', 'many'])
    await ecr.createRepository({ repositoryName });
});

afterAll(async () => {
  await stack?.stop();
  if (stack) removeState(stack);
  if (home) await rm(home, { recursive: true, force: true });
});

/** The rows of a table the CLI printed, each split into its cells; the header first. */
function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

/** Writes a fixture's archive into the test's folder and pushes it as `target`. */
async function push(archive: Blob, target: string): Promise<string> {
  const file = join(home, `${target.replace(/[:/@]/g, '_')}.tar`);
  await writeFile(file, new Uint8Array(await archive.arrayBuffer()));
  const pushed = await runCli(['push', file, target], env);
  expect(pushed.stderr).not.toMatch(/edgecr:/);
  expect(pushed.code).toBe(0);
  return file;
}

describe('edgecr ls and rm', () => {
  it('lists repositories with their image counts and URIs, and a repository’s images newest first', async () => {
    const one = await ociLayoutOneLayer(new TextEncoder().encode('layer one\n'), 'one');
    const two = await ociLayoutOneLayer(new TextEncoder().encode('layer two\n'), 'two');
    await push(one.archive, 'listed:one');
    await push(two.archive, 'listed:two');
    await push(one.archive, 'listed:also-one');

    const repositories = await runCli(['ls'], env);
    expect(repositories.code).toBe(0);
    const table = rows(repositories.stdout);
    expect(table[0]).toEqual(['NAME', 'IMAGES', 'URI']);
    const byName = new Map(table.slice(1).map(([name, images, uri]) => [name, { images, uri }]));
    expect(byName.get('listed')?.images).toBe('2');
    expect(byName.get('empty')?.images).toBe('0');
    expect(byName.get('listed')?.uri).toMatch(/\/listed$/);

    const images = await runCli(['ls', 'listed'], env);
    expect(images.code).toBe(0);
    const [header, first, second, ...rest] = rows(images.stdout);
    expect(header).toEqual(['TAGS', 'DIGEST', 'SIZE', 'PUSHED']);
    expect(rest).toEqual([]);
    // The image pushed last is first; a new tag on an image pushed before does not make it newer.
    expect(first).toEqual([
      'two',
      two.facts.manifest.digest,
      expect.stringMatching(/^\d+ B$/),
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    ]);
    expect(second?.[0]?.split(',').sort()).toEqual(['also-one', 'one']);
    expect(second?.[1]).toBe(one.facts.manifest.digest);
    // ECR's imageSizeInBytes: the layers the manifest names.
    expect(second?.[2]).toBe(`${one.facts.layer.size} B`);

    const empty = await runCli(['ls', 'empty'], env);
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(empty.stderr).toContain('empty holds no images yet');
  });

  it('follows every nextToken: a repository of 1,001 images is listed whole', async () => {
    const base = await ociLayoutOneLayer(new TextEncoder().encode('shared layer\n'), 'base');
    await push(base.archive, 'many:base');
    const manifest = JSON.parse(new TextDecoder().decode(base.facts.manifest.bytes));
    // 1,000 more images: the same config and layer, told apart by an annotation.
    const queue = Array.from({ length: 1000 }, (_, n) => n);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          const imageManifest = JSON.stringify({ ...manifest, annotations: { n: String(n) } });
          await ecr.putImage({ repositoryName: 'many', imageManifest, imageTag: `n${n}` });
        }
      }),
    );
    const listed = await runCli(['ls', 'many'], env);
    expect(listed.code).toBe(0);
    const table = rows(listed.stdout).slice(1);
    expect(table).toHaveLength(1001);
    expect(new Set(table.map(([, digest]) => digest)).size).toBe(1001);
    expect(rows((await runCli(['ls'], env)).stdout).find(([name]) => name === 'many')?.[1]).toBe('1001');
  });

  it('removes a tag, then the image by digest with its last tag, as ECR does', async () => {
    const image = await ociLayoutOneLayer(new TextEncoder().encode('to delete\n'), 'a');
    await push(image.archive, 'listed:a');
    await push(image.archive, 'listed:b');
    const digest = image.facts.manifest.digest;

    const untagged = await runCli(['rm', 'listed:a'], env);
    expect(untagged).toMatchObject({ code: 0, stdout: `deleted listed:a (${digest})\n` });
    const after = rows((await runCli(['ls', 'listed'], env)).stdout);
    expect(after.find(([, d]) => d === digest)?.[0]).toBe('b');

    const deleted = await runCli(['rm', `listed@${digest}`], env);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted listed@${digest} and its tag b\n` });
    expect(rows((await runCli(['ls', 'listed'], env)).stdout).some(([, d]) => d === digest)).toBe(false);

    const again = await runCli(['rm', `listed@${digest}`], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `edgecr: listed holds no image ${digest}: \`edgecr ls listed\` lists its images`,
    );
    expect(again.stderr).toContain('(ImageNotFound: ');
    const gone = await runCli(['rm', 'listed:a'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('listed has no image tagged "a"');
  });

  it('keeps a platform an index lists, and says so', async () => {
    const { archive, facts } = await ociLayoutTwoPlatforms();
    await push(archive, 'platforms:multi');
    const child = facts.platforms[0]?.manifest.digest as string;
    const refused = await runCli(['rm', `platforms@${child}`], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`platforms@${child} is one of the images an index in platforms lists`);
    expect(refused.stderr).toContain('(ImageReferencedByManifestList: ');
    expect(rows((await runCli(['ls', 'platforms'], env)).stdout).some(([, d]) => d === child)).toBe(true);
  });

  it('answers an unknown repository, a bad digest, a wrong key and no endpoint in words, with exit code 1', async () => {
    for (const args of [
      ['ls', 'nope'],
      ['rm', 'nope:1'],
    ]) {
      const missing = await runCli(args, env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(
        `There is no repository named "nope" at ${new URL(stack.endpoint).href}`,
      );
      expect(missing.stderr).toContain('(RepositoryNotFoundException: ');
    }
    const badDigest = await runCli(['rm', 'listed@sha256:xyz'], env);
    expect(badDigest.code).toBe(1);
    expect(badDigest.stderr).toContain('"sha256:xyz" is not an image digest (algorithm:hex, as sha256:…)');
    expect(badDigest.stderr).toContain('(InvalidImageDigest: ');

    const wrongKey = await runCli(['ls'], { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('The endpoint did not accept the access key and secret');
    expect(wrongKey.stdout).toBe('');

    const nobody = await runCli(['ls', '--endpoint-url', `http://127.0.0.1:${await freePort()}`], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain(
      'Could not reach the endpoint. Check the network connection and the endpoint address.',
    );
    expect(nobody.stderr).toContain('(NetworkError: ');

    const usage = await runCli(['rm', 'listed'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('"listed" names no image: give repository:tag or repository@digest');
  });
});
