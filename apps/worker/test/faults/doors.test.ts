// R2 faults met by the OCI door (pushes, pulls) and by deletions: a 5xx with an OCI error body, or
// ServerException on the ECR door; nothing committed half-way; a retry finishes the work. A deletion whose
// bytes fail to go after it committed is answered as done, and the sweep deletes them.
import { env, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import type { Registry } from '../../src/hosts/registry.ts';
import { call, createRepository, randomBytes, repositoryName, sha256Digest } from '../integration/_api.ts';
import { basicAuth, oci } from '../integration/_oci.ts';
import { expectBucketMatchesCatalog, registryObject } from '../integration/_races.ts';
import { expectImageReadBack, expireUploads, type FailedAnswer, pushWithEngine, testImage } from './_push.ts';
import { clearFaults, type Fault, injectFaults } from './_r2Faults.ts';

const FAULTS: Fault[] = ['fail', 'timeout', 'reset-before', 'reset-after'];

afterEach(() => {
  clearFaults();
});

/** A 5xx answer in the OCI spec's form: `{"errors":[{"code": …, "message": …}]}`. */
async function expectOciServerError(response: Response): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(500);
  const body = (await response.json()) as { errors: { code: string; message: string }[] };
  expect(body.errors[0]?.code).toEqual(expect.any(String));
  expect(body.errors[0]?.message).toEqual(expect.any(String));
}

/** Tries `request` until it is answered other than 5xx (at most 3 times); every 5xx is in the OCI form. */
async function withRetries(request: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await request();
    if (response.status < 500 || attempt === 3) return response;
    await expectOciServerError(response);
  }
}

describe('R2 faults on the OCI door', () => {
  for (const fault of FAULTS) {
    it(`a monolithic blob push meeting a put ${fault}: a 5xx with a body, then the retried push lands`, async () => {
      const repository = repositoryName('faults-oci');
      await createRepository(repository);
      const auth = await basicAuth();
      const bytes = randomBytes(25_000, 7);
      const digest = await sha256Digest(bytes);
      const push = () =>
        oci(`/v2/${repository}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes, auth });
      injectFaults({ call: 'put', fault });
      await expectOciServerError(await push());
      expect(clearFaults()).toHaveLength(1);
      expect((await push()).status).toBe(201);
      const served = await oci(`/v2/${repository}/blobs/${digest}`, { auth });
      expect(await sha256Digest(new Uint8Array(await served.arrayBuffer()))).toBe(digest);
      await expireUploads();
      await expectBucketMatchesCatalog();
    });
  }

  // A distinct image per case: the bytes a pull served are in the edge cache, where no R2 call is made.
  for (const [seed, fault] of [
    [31, 'fail'],
    [32, 'timeout'],
  ] as const) {
    it(`a pull meeting a get ${fault} in the Worker: a 5xx with a body, then the retried pull is whole`, async () => {
      const repository = repositoryName('faults-pull');
      await createRepository(repository);
      const image = await testImage(seed, 40_000);
      await pushWithEngine(image, repository, []);
      const auth = await basicAuth();
      const layer = image.blobs[0]?.digest as string;
      injectFaults({ call: 'get', fault, site: 'worker' });
      const response = await withRetries(() => oci(`/v2/${repository}/blobs/${layer}`, { auth }));
      expect(clearFaults()).toEqual([{ call: 'get', fault, site: 'worker' }]);
      expect(await sha256Digest(new Uint8Array(await response.arrayBuffer()))).toBe(layer);
    });
  }
});

/** The R2 keys the catalog stores `digests` under (those it stores). */
function objectKeys(digests: string[]): Promise<string[]> {
  return runInDurableObject(registryObject(), (_instance: Registry, state) =>
    digests.flatMap((digest) =>
      [
        ...state.storage.sql.exec<{ object_key: string }>(
          'SELECT object_key FROM blob WHERE digest = ?',
          digest,
        ),
      ].map((row) => row.object_key),
    ),
  );
}

/** Those of `keys` the bucket still holds. */
async function held(keys: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const key of keys) if (await env.LAYERS.head(key)) found.push(key);
  return found;
}

/**
 * What a deletion answers when its R2 delete meets `fault`: the deletion committed before the bytes were asked
 * to go, so a failed or timed-out delete is the sweep's to finish and the caller is told of success; a reset
 * object loses the request with it (the 5xx the client retries).
 */
const deletionSucceeds = (fault: Fault) => fault === 'fail' || fault === 'timeout';

describe('R2 faults in deletions', () => {
  for (const fault of FAULTS) {
    const answer = deletionSucceeds(fault) ? 'success' : 'a 5xx';
    it(`a blob DELETE meeting a delete ${fault}: ${answer}, the link gone whole, the bytes by the sweep`, async () => {
      const repository = repositoryName('faults-del');
      await createRepository(repository);
      const auth = await basicAuth();
      const bytes = randomBytes(25_000, 8);
      const digest = await sha256Digest(bytes);
      expect(
        (
          await oci(`/v2/${repository}/blobs/uploads/?digest=${digest}`, {
            method: 'POST',
            body: bytes,
            auth,
          })
        ).status,
      ).toBe(201);
      const keys = await objectKeys([digest]);
      expect(keys).toHaveLength(1);
      injectFaults({ call: 'delete', fault, site: 'Registry' });
      const first = await oci(`/v2/${repository}/blobs/${digest}`, { method: 'DELETE', auth });
      expect(clearFaults()).toHaveLength(1);
      if (deletionSucceeds(fault)) expect(first.status).toBe(202);
      else await expectOciServerError(first);
      // A delete refused before it landed left the bytes: they wait, queued, for the sweep.
      if (fault === 'fail') expect(await held(keys)).toEqual(keys);
      // The rows went before the bytes: the retry finds the blob gone, and so does a pull.
      const retry = await oci(`/v2/${repository}/blobs/${digest}`, { method: 'DELETE', auth });
      expect([202, 404]).toContain(retry.status);
      expect((await oci(`/v2/${repository}/blobs/${digest}`, { auth })).status).toBe(404);
      // The queued deletion runs on the Registry object's alarm: no orphan.
      await expectBucketMatchesCatalog();
      expect(await held(keys)).toEqual([]);
    });

    it(`DeleteRepository --force meeting a delete ${fault}: ${answer}, then the repository is gone whole`, async () => {
      const repository = repositoryName('faults-repo');
      await createRepository(repository);
      const image = await testImage(4, 30_000);
      await pushWithEngine(image, repository, []);
      const keys = await objectKeys(image.blobs.map((blob) => blob.digest));
      expect(keys.length).toBeGreaterThanOrEqual(2);
      injectFaults({ call: 'delete', fault, site: 'Registry' });
      const input = { repositoryName: repository, force: true };
      const first = await call('DeleteRepository', input);
      expect(clearFaults()).toHaveLength(1);
      if (deletionSucceeds(fault)) {
        expect(first.status).toBe(200);
        expect(first.json.repository).toMatchObject({ repositoryName: repository });
      } else {
        expect({ status: first.status, type: first.json.__type }).toEqual({
          status: 500,
          type: 'ServerException',
        });
        const retry = await call('DeleteRepository', input);
        expect(retry.status === 200 || retry.json.__type === 'RepositoryNotFoundException').toBe(true);
      }
      if (fault === 'fail') expect(await held(keys)).toEqual(keys);
      expect((await call('DescribeRepositories', { repositoryNames: [repository] })).json.__type).toBe(
        'RepositoryNotFoundException',
      );
      await expectBucketMatchesCatalog();
      expect(await held(keys)).toEqual([]);
    });
  }

  it('the engine pushes again into a repository re-created after a failed delete', async () => {
    const repository = repositoryName('faults-again');
    await createRepository(repository);
    const image = await testImage(5, 30_000);
    await pushWithEngine(image, repository, []);
    injectFaults({ call: 'delete', fault: 'fail', site: 'Registry' });
    await call('DeleteRepository', { repositoryName: repository, force: true });
    clearFaults();
    await createRepository(repository);
    const failed: FailedAnswer[] = [];
    await pushWithEngine(image, repository, failed);
    expect(failed).toEqual([]);
    await expectImageReadBack(repository, image);
    await expectBucketMatchesCatalog();
  });
});
