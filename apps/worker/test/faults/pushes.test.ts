// Part 2 of issue 21: an R2 call that fails or times out, or an object reset mid-request, in workerd. Each
// answers ServerException (retryable), commits nothing half-way, and the push engine's retries finish the push.
import { LAYER_PART_SIZE } from '@edgecr/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepository, repositoryName } from '../integration/_api.ts';
import { expectBucketMatchesCatalog } from '../integration/_races.ts';
import {
  expectImageReadBack,
  expectServerExceptions,
  expireUploads,
  type FailedAnswer,
  pushWithEngine,
  testImage,
} from './_push.ts';
import { clearFaults, type Fault, injectFaults, type R2Call, randomFaults } from './_r2Faults.ts';

const FAULTS: Fault[] = ['fail', 'timeout', 'reset-before', 'reset-after'];

/**
 * The R2 calls of a push, and the push that makes them: a layer of one full R2 part and a bit more makes the
 * multipart calls (and the head that checks a completed object); a small layer and config are one put each;
 * the second repository's copy of a layer the registry already holds is deleted.
 */
const PUSH_CALLS: { call: R2Call; layerSize: number; repositories: number }[] = [
  { call: 'createMultipartUpload', layerSize: LAYER_PART_SIZE + 4096, repositories: 1 },
  { call: 'uploadPart', layerSize: LAYER_PART_SIZE + 4096, repositories: 1 },
  { call: 'complete', layerSize: LAYER_PART_SIZE + 4096, repositories: 1 },
  { call: 'head', layerSize: LAYER_PART_SIZE + 4096, repositories: 1 },
  { call: 'put', layerSize: 30_000, repositories: 1 },
  { call: 'delete', layerSize: 30_000, repositories: 2 },
];

afterEach(() => {
  clearFaults();
});

/** Pushes one image to new repositories with the engine; the answers other than 2xx it met. */
async function pushImageTo(count: number, seed: number, layerSize: number) {
  const image = await testImage(seed, layerSize);
  const repositories = Array.from({ length: count }, (_, i) => repositoryName(`faults-${i}`));
  const failed: FailedAnswer[] = [];
  for (const repository of repositories) {
    await createRepository(repository);
    await pushWithEngine(image, repository, failed);
  }
  return { image, repositories, failed };
}

describe('one R2 fault in a push', () => {
  for (const { call, layerSize, repositories: count } of PUSH_CALLS) {
    for (const fault of FAULTS) {
      it(`${call} ${fault}: a ServerException, then the engine's retry finishes the push`, async () => {
        injectFaults({ call, fault });
        const { image, repositories, failed } = await pushImageTo(count, 1, layerSize);
        const met = clearFaults();
        expect(met.map((m) => `${m.call} ${m.fault}`)).toEqual([`${call} ${fault}`]);
        expectServerExceptions(failed);
        for (const repository of repositories) await expectImageReadBack(repository, image);
        await expireUploads();
        await expectBucketMatchesCatalog();
      });
    }
  }
});

describe('seeded R2 faults across pushes', () => {
  // Each seed plans a fault for about one R2 call in three, of any kind, on any object.
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: every push finishes, byte for byte, no orphan`, async () => {
      randomFaults(seed, 0.3, FAULTS);
      const { image, repositories, failed } = await pushImageTo(2, seed, 30_000 + seed);
      const met = clearFaults();
      expect(met.length).toBeGreaterThan(0);
      expectServerExceptions(failed);
      for (const repository of repositories) await expectImageReadBack(repository, image);
      await expireUploads();
      await expectBucketMatchesCatalog();
    });
  }
});
