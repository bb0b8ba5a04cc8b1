import { describe, expect, it } from 'vitest';
import {
  type ConformanceFactories,
  dockerManifest,
  freshRegistryId,
  keepNewest,
  pushBlob,
} from './fixtures.ts';

const KEEP_TWO = keepNewest(2);

/** Lifecycle policies through the registry service: stored, previewed by the next wake-up, run when due. */
export function lifecycleSuite(factories: ConformanceFactories): void {
  describe('lifecycle policies', () => {
    it('previews on the next wake-up and expires exactly the previewed images once the interval passed', async () => {
      const fixture = await factories.registry();
      const registryId = freshRegistryId();
      const registry = fixture.registry(registryId);
      await registry.catalog.createRepository({ repositoryName: 'app' });
      const config = await pushBlob(registry, 'app', new TextEncoder().encode(`{"id":"${registryId}"}`));
      const digests: string[] = [];
      for (let i = 0; i < 5; i++) {
        const layer = await pushBlob(
          registry,
          'app',
          new TextEncoder().encode(`layer ${i} of ${registryId}`),
        );
        const { image } = await registry.catalog.putImage({
          repositoryName: 'app',
          imageManifest: dockerManifest(config, [layer]),
          imageTag: `v${i}`,
        });
        digests.push(image?.imageId?.imageDigest as string);
      }
      await registry.catalog.putLifecyclePolicy({ repositoryName: 'app', lifecyclePolicyText: KEEP_TWO });
      expect(await registry.catalog.getLifecyclePolicy('app')).toEqual({
        registryId,
        repositoryName: 'app',
        lifecyclePolicyText: KEEP_TWO,
      });
      expect(await registry.catalog.startLifecyclePolicyPreview({ repositoryName: 'app' })).toMatchObject({
        status: 'IN_PROGRESS',
      });
      await expect(
        registry.catalog.startLifecyclePolicyPreview({ repositoryName: 'app' }),
      ).rejects.toMatchObject({
        code: 'LifecyclePolicyPreviewInProgressException',
      });

      await fixture.age(registryId, 0);
      const preview = await registry.catalog.getLifecyclePolicyPreview({ repositoryName: 'app' });
      expect(preview).toMatchObject({ status: 'COMPLETE', summary: { expiringImageTotalCount: 3 } });
      const expiring = preview.previewResults?.map((result) => result.imageDigest) ?? [];
      expect((await registry.catalog.listImages({ repositoryName: 'app' })).imageIds).toHaveLength(5);

      await fixture.age(registryId, fixture.lifecycleIntervalSeconds);
      const left = (await registry.catalog.listImages({ repositoryName: 'app' })).imageIds?.map(
        (id) => id.imageDigest,
      );
      expect(left?.sort()).toEqual(digests.filter((digest) => !expiring.includes(digest)).sort());
      expect((await registry.catalog.getLifecyclePolicy('app')).lastEvaluatedAt).toEqual(expect.any(Number));
    });
  });
}
