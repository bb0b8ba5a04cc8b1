// Lifecycle policies on a catalog in memory: the preview is asynchronous and shows what the run then expires;
// the run waits for its interval, goes through BatchDeleteImage's path, and keeps an index's children.
import { DOCKER_MANIFEST } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { CatalogRules, MemoryBlobStore, MemoryCatalogStore, newRepositoryRecord } from '../../src/index.ts';
import { blobs, digestOf, dockerList, dockerManifest, REGISTRY, REPO, upload } from '../images/_fixtures.ts';
import { keepAny, keepTagged, policyText, rule } from './_policies.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A catalog with REPO, a settable clock, and `count` distinct images pushed a day apart (oldest first). */
async function catalog(count: number, tagOf: (i: number) => string | undefined) {
  let now = Date.UTC(2026, 10, 1);
  const store = new MemoryCatalogStore();
  const rules = new CatalogRules(REGISTRY, store, new MemoryBlobStore(), {
    now: () => now,
    lifecycleIntervalSeconds: 3600,
  });
  await rules.createRepository(newRepositoryRecord({ repositoryName: REPO }, new Date(now)));
  const [config, ...layers] = blobs('lc', count + 1) as [
    ReturnType<typeof blobs>[number],
    ...ReturnType<typeof blobs>,
  ];
  upload(store.unguarded(), config, ...layers);
  const manifests: string[] = [];
  for (let i = 0; i < count; i++) {
    const manifest = dockerManifest(config, layers.slice(i, i + 1));
    const tag = tagOf(i);
    await rules.putImage({ repositoryName: REPO, imageManifest: manifest, ...(tag && { imageTag: tag }) });
    manifests.push(manifest);
    now += DAY_MS;
  }
  return {
    rules,
    store,
    manifests,
    advance: (ms: number) => {
      now += ms;
    },
    digests: async () =>
      (await rules.listImages({ repositoryName: REPO })).imageIds?.map((id) => id.imageDigest).sort() ?? [],
  };
}

/** Runs the host's wake-up if the store asked for one that is due, as the Durable Object alarm would. */
async function wakeIfDue(store: MemoryCatalogStore, rules: CatalogRules, now: number): Promise<boolean> {
  const at = store.wakeTime;
  if (at === null || at > now) return false;
  store.clearWakeUp();
  await rules.wake();
  return true;
}

describe('lifecycle policies', () => {
  it('previews asynchronously, then a run one interval later expires exactly what the preview listed', async () => {
    const { rules, store, manifests, advance, digests } = await catalog(8, (i) =>
      i % 2 === 0 ? `v${i}` : undefined,
    );
    // Counts, not ages: an age rule evaluated an hour later may catch one image more than its preview did.
    const text = policyText(
      rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 2 }),
      keepTagged(2, 'v', 2),
    );
    const putAt = Date.UTC(2026, 10, 9);
    await rules.putLifecyclePolicy({ repositoryName: REPO, lifecyclePolicyText: text });
    const started = await rules.startLifecyclePolicyPreview({ repositoryName: REPO });
    expect(started).toEqual({
      registryId: REGISTRY,
      repositoryName: REPO,
      lifecyclePolicyText: text,
      status: 'IN_PROGRESS',
    });
    await expect(rules.startLifecyclePolicyPreview({ repositoryName: REPO })).rejects.toMatchObject({
      code: 'LifecyclePolicyPreviewInProgressException',
    });
    expect(await rules.getLifecyclePolicyPreview({ repositoryName: REPO })).toEqual({
      registryId: REGISTRY,
      repositoryName: REPO,
      lifecyclePolicyText: text,
      status: 'IN_PROGRESS',
    });
    // The preview asked for a wake-up now; the run is not due yet, so nothing is deleted by it.
    expect(await wakeIfDue(store, rules, putAt)).toBe(true);
    expect(await digests()).toHaveLength(8);
    const preview = await rules.getLifecyclePolicyPreview({ repositoryName: REPO });
    expect(preview.status).toBe('COMPLETE');
    // Untagged 1, 3 (beyond the newest two, 7 and 5), tagged v0, v2 (beyond the newest two, v6 and v4).
    const expected = [0, 1, 2, 3].map((i) => digestOf(manifests[i] as string));
    expect(preview.previewResults?.map((r) => r.imageDigest)).toEqual(expected);
    expect(preview.previewResults?.map((r) => r.appliedRulePriority)).toEqual([2, 1, 2, 1]);
    expect(preview.previewResults?.[0]).toMatchObject({ imageTags: ['v0'], action: { type: 'EXPIRE' } });
    expect(preview.summary).toEqual({ expiringImageTotalCount: 4 });
    expect(
      (await rules.getLifecyclePolicyPreview({ repositoryName: REPO, filter: { tagStatus: 'UNTAGGED' } }))
        .previewResults,
    ).toHaveLength(2);
    const first = await rules.getLifecyclePolicyPreview({ repositoryName: REPO, maxResults: 3 });
    expect(first.previewResults).toHaveLength(3);
    const rest = await rules.getLifecyclePolicyPreview({
      repositoryName: REPO,
      maxResults: 3,
      nextToken: first.nextToken as string,
    });
    expect(rest.previewResults?.map((r) => r.imageDigest)).toEqual(expected.slice(3));
    expect(rest.nextToken).toBeUndefined();

    expect((await rules.getLifecyclePolicy(REPO)).lastEvaluatedAt).toBeUndefined();
    advance(HOUR_MS);
    expect(await wakeIfDue(store, rules, putAt + HOUR_MS)).toBe(true);
    const left = await digests();
    expect(left).toHaveLength(4);
    for (const digest of expected) expect(left).not.toContain(digest);
    expect((await rules.getLifecyclePolicy(REPO)).lastEvaluatedAt).toBe((putAt + HOUR_MS) / 1000);
    // The run scheduled the next one an interval later.
    expect(store.wakeTime).toBe(putAt + 2 * HOUR_MS);
  });

  it('previews a text without storing it, and a deleted policy stops running', async () => {
    const { rules, advance, digests } = await catalog(3, () => undefined);
    const onlyPreviewed = policyText(keepAny(1, 1));
    await rules.startLifecyclePolicyPreview({ repositoryName: REPO, lifecyclePolicyText: onlyPreviewed });
    await expect(rules.getLifecyclePolicy(REPO)).rejects.toMatchObject({
      code: 'LifecyclePolicyNotFoundException',
    });
    await rules.wake();
    expect((await rules.getLifecyclePolicyPreview({ repositoryName: REPO })).summary).toEqual({
      expiringImageTotalCount: 2,
    });
    expect(await digests()).toHaveLength(3);

    await rules.putLifecyclePolicy({ repositoryName: REPO, lifecyclePolicyText: onlyPreviewed });
    await rules.deleteLifecyclePolicy(REPO);
    advance(2 * HOUR_MS);
    await rules.wake();
    expect(await digests()).toHaveLength(3);
  });

  it('expires an index with its tag but never a child an index still lists', async () => {
    const { rules, manifests, digests } = await catalog(3, () => undefined);
    const [a, b] = manifests as [string, string];
    const list = dockerList([
      { digest: digestOf(a), size: a.length, mediaType: DOCKER_MANIFEST, architecture: 'amd64' },
      { digest: digestOf(b), size: b.length, mediaType: DOCKER_MANIFEST, architecture: 'arm' },
    ]);
    await rules.putImage({ repositoryName: REPO, imageManifest: list, imageTag: 'multi' });
    // "any, keep 1": the index (newest) stays; its children are not the policy's to expire; the third goes.
    await rules.startLifecyclePolicyPreview({
      repositoryName: REPO,
      lifecyclePolicyText: policyText(keepAny(1, 1)),
    });
    await rules.wake();
    const preview = await rules.getLifecyclePolicyPreview({ repositoryName: REPO });
    expect(preview.previewResults?.map((r) => r.imageDigest)).toEqual([digestOf(manifests[2] as string)]);
    expect(await digests()).toHaveLength(4);
  });

  it('forgets the lifecycle state with its repository', async () => {
    const { rules } = await catalog(1, () => 'v1');
    await rules.putLifecyclePolicy({ repositoryName: REPO, lifecyclePolicyText: policyText(keepAny(1, 1)) });
    await rules.deleteRepository(REPO, true);
    await rules.createRepository(newRepositoryRecord({ repositoryName: REPO }, new Date()));
    await expect(rules.getLifecyclePolicy(REPO)).rejects.toMatchObject({
      code: 'LifecyclePolicyNotFoundException',
    });
  });
});
