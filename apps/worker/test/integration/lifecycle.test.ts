// Lifecycle policies through the Worker's ECR door, in workerd with the Registry Durable Object's real alarm.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import type { Registry } from '../../src/hosts/registry.ts';
import {
  call,
  createRepository,
  KEYS,
  randomBytes,
  repositoryName,
  sha256Digest,
  uploadInParts,
} from './_api.ts';

const REGISTRY_ID = '123456789012';
const registryObject = () => env.REGISTRY.get(env.REGISTRY.idFromName(REGISTRY_ID));

const rule = (rulePriority: number, selection: Record<string, unknown>, action = { type: 'expire' }) => ({
  rulePriority,
  description: `rule ${rulePriority}`,
  selection,
  action,
});
const text = (...rules: unknown[]) => JSON.stringify({ rules });
const keepUntagged = (count: number) =>
  rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: count });
const keepReleases = (priority: number, count: number) =>
  rule(priority, {
    tagStatus: 'tagged',
    tagPatternList: ['v*'],
    countType: 'imageCountMoreThan',
    countNumber: count,
  });

async function pushImage(repository: string, seed: number, tag?: string): Promise<string> {
  const push = async (bytes: Uint8Array) => {
    const uploadId = await uploadInParts(repository, bytes, []);
    const digest = await sha256Digest(bytes);
    await call('CompleteLayerUpload', { repositoryName: repository, uploadId, layerDigests: [digest] });
    return { digest, size: bytes.length };
  };
  const layer = await push(randomBytes(1000, seed));
  const config = await push(new TextEncoder().encode(`{"architecture":"amd64","os":"linux","seed":${seed}}`));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, ...config },
    layers: [{ mediaType: DOCKER_LAYER_TAR_GZIP, ...layer }],
  });
  const { status, json } = await call('PutImage', {
    repositoryName: repository,
    imageManifest: manifest,
    ...(tag && { imageTag: tag }),
  });
  expect(status).toBe(200);
  return json.image.imageId.imageDigest;
}

/** Makes the repository's policy an interval older, as if an hour had passed, then fires the alarm. */
async function passInterval(repository: string): Promise<void> {
  await runInDurableObject(registryObject(), (_instance: Registry, state) => {
    for (const at of ['$.policySetAt', '$.lastEvaluatedAt']) {
      state.storage.sql.exec(
        `UPDATE lifecycle SET record = json_set(record, '${at}', json_extract(record, '${at}') - 3600)
         WHERE repository = ? AND json_extract(record, '${at}') IS NOT NULL`,
        repository,
      );
    }
  });
  expect(await runDurableObjectAlarm(registryObject())).toBe(true);
}

describe('lifecycle policies through the ECR door', () => {
  it('previews asynchronously, then the alarm expires exactly what the preview listed', async () => {
    const repository = repositoryName('lifecycle');
    await createRepository(repository);
    const untagged = [
      await pushImage(repository, 1),
      await pushImage(repository, 2),
      await pushImage(repository, 3),
    ];
    const tagged = [await pushImage(repository, 4, 'v1'), await pushImage(repository, 5, 'v2')];
    const policy = text(keepUntagged(1), keepReleases(2, 1));
    const put = await call('PutLifecyclePolicy', { repositoryName: repository, lifecyclePolicyText: policy });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      registryId: REGISTRY_ID,
      repositoryName: repository,
      lifecyclePolicyText: policy,
    });

    const started = await call('StartLifecyclePolicyPreview', { repositoryName: repository });
    expect(started.json).toMatchObject({ status: 'IN_PROGRESS', lifecyclePolicyText: policy });
    // The preview asked for the alarm at once: it may already have run (a real alarm), or it runs now.
    await runDurableObjectAlarm(registryObject());
    const preview = await call('GetLifecyclePolicyPreview', { repositoryName: repository });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ status: 'COMPLETE', summary: { expiringImageTotalCount: 3 } });
    const expiring = preview.json.previewResults.map((r: { imageDigest: string }) => r.imageDigest).sort();
    // Pushed within the same second, untagged images keep the one first by digest; of the releases, one stays.
    expect(expiring).toHaveLength(3);
    expect(
      preview.json.previewResults.every(
        (r: { action: unknown }) => JSON.stringify(r.action) === '{"type":"EXPIRE"}',
      ),
    ).toBe(true);
    expect((await call('ListImages', { repositoryName: repository })).json.imageIds).toHaveLength(5);

    await passInterval(repository);
    const listed = await call('ListImages', { repositoryName: repository });
    const left = listed.json.imageIds.map((id: { imageDigest: string }) => id.imageDigest).sort();
    expect(left).toEqual([...untagged, ...tagged].filter((digest) => !expiring.includes(digest)).sort());
    const got = await call('GetLifecyclePolicy', { repositoryName: repository });
    expect(got.json).toMatchObject({ lifecyclePolicyText: policy, lastEvaluatedAt: expect.any(Number) });
  });

  it('refuses every invalid text with a 400 InvalidParameterException and keeps the policy it had', async () => {
    const repository = repositoryName('lifecycle-invalid');
    await createRepository(repository);
    const kept = text(keepUntagged(5));
    expect(
      (await call('PutLifecyclePolicy', { repositoryName: repository, lifecyclePolicyText: kept })).status,
    ).toBe(200);
    const padded = (body: string) => body.padEnd(100);
    const invalid = [
      padded('{"rules": [{"rulePriority": 1,'),
      text({ ...keepUntagged(1), colour: 'red' }),
      text(
        rule(1, {
          tagStatus: 'tagged',
          tagPrefixList: ['a'],
          tagPatternList: ['a*'],
          countType: 'imageCountMoreThan',
          countNumber: 1,
        }),
      ),
      text(keepReleases(1, 1), keepUntagged(1)),
      text(
        rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
        keepReleases(2, 1),
      ),
      text(...Array.from({ length: 51 }, (_, i) => keepReleases(i + 1, 1))),
      text(
        rule(
          1,
          { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
          { type: 'transition' },
        ),
      ),
      padded('{"rules":[]}'),
      text(
        ...Array.from({ length: 45 }, (_, i) => ({
          ...keepReleases(i + 1, 1),
          description: 'x'.repeat(700),
        })),
      ),
    ];
    for (const lifecyclePolicyText of invalid) {
      const answer = await call('PutLifecyclePolicy', { repositoryName: repository, lifecyclePolicyText });
      expect(answer.status).toBe(400);
      expect(answer.json.__type).toBe('InvalidParameterException');
      expect(answer.json.message).toMatch(
        /^Invalid parameter at '(LifecyclePolicyText|lifecyclePolicyText)' failed to satisfy constraint: '/,
      );
      expect(
        (await call('GetLifecyclePolicy', { repositoryName: repository })).json.lifecyclePolicyText,
      ).toBe(kept);
    }
  });

  it('refuses a second preview while one is in progress', async () => {
    const repository = repositoryName('lifecycle-busy');
    await createRepository(repository);
    const policy = text(keepUntagged(1));
    // A preview caught in progress, set where the alarm (which runs at once) cannot race the test.
    await runInDurableObject(registryObject(), (_instance: Registry, state) => {
      const preview = { policyText: policy, status: 'IN_PROGRESS', results: [] };
      state.storage.sql.exec(
        'INSERT INTO lifecycle VALUES (?, ?)',
        repository,
        JSON.stringify({ repositoryName: repository, preview }),
      );
    });
    const busy = await call('StartLifecyclePolicyPreview', {
      repositoryName: repository,
      lifecyclePolicyText: policy,
    });
    expect(busy.status).toBe(400);
    expect(busy.json.__type).toBe('LifecyclePolicyPreviewInProgressException');
    const shown = await call('GetLifecyclePolicyPreview', { repositoryName: repository });
    expect(shown.json).toEqual({
      registryId: REGISTRY_ID,
      repositoryName: repository,
      lifecyclePolicyText: policy,
      status: 'IN_PROGRESS',
    });
  });

  it('lets a pull key read a policy but not set one, and answers what is missing', async () => {
    const repository = repositoryName('lifecycle-keys');
    await createRepository(repository);
    const missing = await call(
      'GetLifecyclePolicy',
      { repositoryName: repository },
      { credentials: KEYS.pullOnly },
    );
    expect(missing.json.__type).toBe('LifecyclePolicyNotFoundException');
    const previewMissing = await call('GetLifecyclePolicyPreview', { repositoryName: repository });
    expect(previewMissing.json.__type).toBe('LifecyclePolicyPreviewNotFoundException');
    const denied = await call(
      'PutLifecyclePolicy',
      { repositoryName: repository, lifecyclePolicyText: text(keepUntagged(1)) },
      { credentials: KEYS.pullOnly },
    );
    expect(denied.json.__type).toBe('AccessDeniedException');
    const deleted = await call('DeleteLifecyclePolicy', { repositoryName: repository });
    expect(deleted.json.__type).toBe('LifecyclePolicyNotFoundException');
  });
});
