// Lifecycle policies end to end: the AWS CLI against `wrangler dev` with a short lifecycle interval. The
// preview of a policy lists what would expire; the policy, once put, expires exactly that on the Registry
// object's alarm.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEEP_ONE_UNTAGGED_AND_ONE_RELEASE } from '@edgecr/testkit/lifecyclePolicy';
import { type LocalStack, removeState, startLocalStack } from '@edgecr/testkit/localStack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './_aws.ts';

const sha256 = (bytes: string | Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const INTERVAL_SECONDS = 5;

/** Keep the newest untagged image and the newest release (`v*`); an image of neither kind stays. */
const POLICY = KEEP_ONE_UNTAGGED_AND_ONE_RELEASE;

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('lifecycle policies against wrangler dev', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startLocalStack({ vars: { LIFECYCLE_INTERVAL_SECONDS: String(INTERVAL_SECONDS) } });
    dir = mkdtempSync(join(tmpdir(), 'edgecr-lifecycle-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (stack) removeState(stack);
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  async function pushBlob(repository: string, name: string, bytes: Uint8Array) {
    const started = await aws(stack, ['initiate-layer-upload', '--repository-name', repository]);
    const uploadId = started.json.uploadId as string;
    const part = await aws(stack, [
      ...['upload-layer-part', '--repository-name', repository, '--upload-id', uploadId],
      ...['--part-first-byte', '0', '--part-last-byte', String(bytes.length - 1)],
      ...['--layer-part-blob', `fileb://${file(name, bytes)}`],
    ]);
    expect(part.ok, part.stderr).toBe(true);
    const digest = sha256(bytes);
    await aws(stack, [
      ...['complete-layer-upload', '--repository-name', repository, '--upload-id', uploadId],
      ...['--layer-digests', digest],
    ]);
    return { digest, size: bytes.length };
  }

  /** Pushes an image of one new layer over `config` (the AWS CLI makes four calls per blob, one per image). */
  async function pushImage(
    repository: string,
    config: { digest: string; size: number },
    seed: number,
    tag?: string,
  ): Promise<string> {
    const layer = await pushBlob(repository, `layer-${seed}`, new TextEncoder().encode(`layer ${seed}`));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
    });
    const put = await aws(stack, [
      ...['put-image', '--repository-name', repository, '--image-manifest', manifest],
      ...(tag ? ['--image-tag', tag] : []),
    ]);
    expect(put.ok, put.stderr).toBe(true);
    return put.json.image.imageId.imageDigest;
  }

  const digestsIn = async (repository: string): Promise<string[]> => {
    const listed = await aws(stack, ['list-images', '--repository-name', repository]);
    return listed.json.imageIds.map((id: { imageDigest: string }) => id.imageDigest).sort();
  };

  it('expires, one interval after the policy is put, exactly the images its preview listed', async () => {
    const repository = 'lifecycle/e2e';
    expect((await aws(stack, ['create-repository', '--repository-name', repository])).ok).toBe(true);
    const config = await pushBlob(repository, 'config', new TextEncoder().encode('{"os":"linux"}'));
    const pushed: string[] = [];
    for (const [seed, tag] of [[1], [2], [3, 'v1'], [4, 'v2'], [5, 'latest']] as [number, string?][]) {
      pushed.push(await pushImage(repository, config, seed, tag));
    }

    // The preview of the text, before it is the repository's policy: nothing runs in the meantime.
    const started = await aws(stack, [
      ...['start-lifecycle-policy-preview', '--repository-name', repository],
      ...['--lifecycle-policy-text', POLICY],
    ]);
    expect(started.json).toMatchObject({ status: 'IN_PROGRESS' });
    const preview = await until(
      'the preview completes',
      async () => {
        const got = await aws(stack, ['get-lifecycle-policy-preview', '--repository-name', repository]);
        return got.json?.status === 'COMPLETE' ? got.json : undefined;
      },
      30,
    );
    const expiring: string[] = preview.previewResults
      .map((r: { imageDigest: string }) => r.imageDigest)
      .sort();
    expect(preview.summary).toEqual({ expiringImageTotalCount: 2 });
    expect(expiring).toHaveLength(2);
    expect(await digestsIn(repository)).toEqual([...pushed].sort());

    const put = await aws(stack, [
      ...['put-lifecycle-policy', '--repository-name', repository],
      ...['--lifecycle-policy-text', POLICY],
    ]);
    expect(put.ok, put.stderr).toBe(true);
    const left = await until(
      'the policy runs',
      async () => {
        const digests = await digestsIn(repository);
        return digests.length < pushed.length ? digests : undefined;
      },
      INTERVAL_SECONDS + 60,
    );
    expect(left).toEqual(pushed.filter((digest) => !expiring.includes(digest)).sort());
    const policy = await aws(stack, ['get-lifecycle-policy', '--repository-name', repository]);
    expect(policy.json).toMatchObject({ lifecyclePolicyText: POLICY, lastEvaluatedAt: expect.any(Number) });
    const deleted = await aws(stack, ['delete-lifecycle-policy', '--repository-name', repository]);
    expect(deleted.json).toMatchObject({ repositoryName: repository, lifecyclePolicyText: POLICY });
    const untagged = await aws(stack, [
      ...['get-lifecycle-policy-preview', '--repository-name', repository],
      ...['--filter', 'tagStatus=UNTAGGED'],
    ]);
    expect(untagged.json.previewResults).toHaveLength(1);
    expect(untagged.json.previewResults[0]).toMatchObject({ imageTags: [], appliedRulePriority: 1 });
    // About 40 CLI calls, each a Python start: minutes on a loaded machine.
  }, 600_000);

  it('answers an invalid policy with a 400 the CLI reports, and a missing one with its exception', async () => {
    const repository = 'lifecycle/invalid';
    await aws(stack, ['create-repository', '--repository-name', repository]);
    const both = POLICY.replace('"tagPatternList":["v*"]', '"tagPatternList":["v*"],"tagPrefixList":["v"]');
    const refused = await aws(stack, [
      ...['put-lifecycle-policy', '--repository-name', repository, '--lifecycle-policy-text', both],
    ]);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain('(InvalidParameterException)');
    expect(refused.stderr).toContain('Lifecycle policy validation failure');
    const missing = await aws(stack, ['get-lifecycle-policy', '--repository-name', repository]);
    expect(missing.stderr).toContain('(LifecyclePolicyNotFoundException)');
  });
});
