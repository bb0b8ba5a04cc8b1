// What the kept answers of pulls promise: never an answer to a key that may not read the repository, a delete
// seen at once through the isolate (and at its edge), blob bytes from the edge, and pulls recorded after the
// answer, kept answers included, at most once a day per image.
import { digestOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { blobKey } from '../src/blobReader.ts';
import { ecrCall, login, oci } from './_endpoint.ts';
import { ociPull, type PullFixture, pullFixture } from './_pull.ts';

const OTHER = { accessKeyId: 'AKIAEDGECRNODETEST02', secretAccessKey: 'edgecr-node-test-other' };

/** Adds a pull-only key of the same registry limited to `other/` to an endpoint's settings. */
function allowOtherKey(settings: { credentials: string | undefined }): void {
  const credentials = JSON.parse(settings.credentials as string);
  credentials[OTHER.accessKeyId] = {
    secretAccessKey: OTHER.secretAccessKey,
    registryId: '123456789012',
    permission: 'pull',
    repositoryPrefixes: ['other/'],
  };
  settings.credentials = JSON.stringify(credentials);
}

async function pullTime(pulls: PullFixture): Promise<number | undefined> {
  const { json } = await ecrCall(pulls.endpoint, 'DescribeImages', { repositoryName: 'app' });
  return (json.imageDetails as { lastRecordedPullTime?: number }[])[0]?.lastRecordedPullTime;
}

describe('kept answers and authorisation', () => {
  it('never reach a key that may not read the repository, right after a permitted pull', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    await ociPull(pulls);
    await ociPull(pulls, pulls.image.digest);
    pulls.taken();
    // The same isolate, which holds every answer, and another one, which reads the edge.
    for (const endpoint of [pulls.endpoint, pulls.isolate()]) {
      allowOtherKey(endpoint.settings);
      const otherAuth = await login(endpoint, OTHER);
      for (const path of [
        `/v2/app/blobs/${pulls.image.layers[0]}`,
        `/v2/app/manifests/${pulls.image.digest}`,
        '/v2/app/manifests/v1',
      ]) {
        const refused = await oci(endpoint, path, { auth: otherAuth });
        expect(refused.status).toBe(403);
        expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED');
      }
      for (const [operation, input] of [
        ['GetDownloadUrlForLayer', { repositoryName: 'app', layerDigest: pulls.image.config }],
        ['BatchGetImage', { repositoryName: 'app', imageIds: [{ imageDigest: pulls.image.digest }] }],
      ] as const) {
        const refused = await ecrCall(endpoint, operation, input, undefined, OTHER);
        expect(refused.status).toBe(400);
        expect(refused.json.__type).toBe('AccessDeniedException');
      }
    }
    await pulls.settled();
    // Refused by its own permission, the key may still be let in by the repository's policy: the isolate
    // that holds none of the pull's answers asks for it once, and keeps it.
    expect(pulls.taken()).toEqual({ accessPolicy: 1 });
  });
});

describe('kept answers and deletes', () => {
  it('are forgotten when a delete goes through this isolate, and dropped at its edge', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    const { auth, image } = pulls;
    const byDigest = `/v2/app/manifests/${image.digest}`;
    const layer = `/v2/app/blobs/${image.layers[0]}`;
    expect((await oci(pulls.endpoint, byDigest, { auth })).status).toBe(200);
    expect((await oci(pulls.endpoint, layer, { auth })).status).toBe(200);
    await pulls.settled();
    pulls.clock.now += 1000;
    expect((await oci(pulls.endpoint, byDigest, { method: 'DELETE', auth })).status).toBe(202);
    for (const endpoint of [pulls.endpoint, pulls.isolate()]) {
      expect((await oci(endpoint, byDigest, { auth })).status).toBe(404);
      expect((await oci(endpoint, '/v2/app/manifests/v1', { auth })).status).toBe(404);
    }
    expect((await oci(pulls.endpoint, layer, { method: 'DELETE', auth })).status).toBe(202);
    for (const endpoint of [pulls.endpoint, pulls.isolate()]) {
      expect((await oci(endpoint, layer, { auth })).status).toBe(404);
    }
  });

  it('kept at the edge from before a repository delete are not believed by the isolate that deleted it', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    const { auth, image } = pulls;
    const other = pulls.isolate();
    await ociPull(pulls, image.digest, other);
    pulls.clock.now += 1000;
    const deleted = await ecrCall(pulls.endpoint, 'DeleteRepository', { repositoryName: 'app', force: true });
    expect(deleted.status).toBe(200);
    // The isolate that deleted the repository asks the object instead of believing the edge ...
    pulls.taken();
    const manifest = `/v2/app/manifests/${image.digest}`;
    expect((await oci(pulls.endpoint, manifest, { auth })).status).toBe(404);
    expect((await oci(pulls.endpoint, `/v2/app/blobs/${image.config}`, { auth })).status).toBe(404);
    expect(pulls.taken()).toEqual({ pullImage: 1, findLayer: 1 });
    // ... while an isolate that did not see the delete believes the facts at the edge until they expire.
    const unaware = pulls.isolate();
    expect((await oci(unaware, manifest, { auth })).status).toBe(200);
    pulls.clock.now += 60_000;
    expect((await oci(unaware, manifest, { auth })).status).toBe(404);
  });
});

describe('blob bytes from the edge cache', () => {
  it('serves a warm pull, whole and ranged, without reading the blob store, and keeps no range', async () => {
    const pulls = await pullFixture({ memo: true, edge: true });
    const { endpoint, auth } = pulls;
    const edge = pulls.edge as NonNullable<typeof pulls.edge>;
    const reads: string[] = [];
    const { blobs } = endpoint;
    endpoint.blobs = new Proxy(blobs, {
      get(target, method, receiver) {
        const value = Reflect.get(target, method, receiver);
        if (method !== 'get') return value;
        return (...args: Parameters<typeof blobs.get>) => {
          reads.push(args[0]);
          return blobs.get(...args);
        };
      },
    });
    const layer = pulls.image.layers[2] as string;
    const ranged = await oci(endpoint, `/v2/app/blobs/${layer}`, { headers: { range: 'bytes=2-9' }, auth });
    expect(ranged.status).toBe(206);
    await ranged.arrayBuffer();
    await pulls.settled();
    expect(await edge.match(blobKey(layer))).toBeUndefined();
    await ociPull(pulls);
    reads.splice(0);
    await ociPull(pulls);
    expect(reads).toEqual([]);
    const whole = new Uint8Array(
      await (await oci(endpoint, `/v2/app/blobs/${layer}`, { auth })).arrayBuffer(),
    );
    expect(await digestOf('sha256', whole)).toBe(layer);
    const again = await oci(endpoint, `/v2/app/blobs/${layer}`, { headers: { range: 'bytes=2-9' }, auth });
    expect(again.status).toBe(206);
    expect(again.headers.get('content-range')).toBe(`bytes 2-9/${whole.length}`);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(whole.subarray(2, 10));
    expect(reads).toEqual([]);
  });
});

describe('pull times', () => {
  it('are recorded after the answer for kept answers too, at most once a day per image', async () => {
    const pulls = await pullFixture({
      memo: true,
      edge: true,
      settings: { holdingCacheSeconds: 3 * 86_400 },
    });
    const { digest } = pulls.image;
    expect(await pullTime(pulls)).toBeUndefined();
    await ociPull(pulls, digest);
    const first = await pullTime(pulls);
    expect(first).toBe(Math.floor(pulls.clock.now / 1000));
    pulls.taken();
    // A day later the pull is answered from the memo and the edge alone, and still recorded.
    pulls.clock.now += 25 * 3600 * 1000;
    await ociPull(pulls, digest);
    expect(pulls.taken()).toEqual({ recordPulls: 1 });
    expect(await pullTime(pulls)).toBe(Math.floor(pulls.clock.now / 1000));
    pulls.taken();
    // A second pull the same day costs the object nothing, in this isolate.
    pulls.clock.now += 3600 * 1000;
    await ociPull(pulls, digest);
    expect(pulls.taken()).toEqual({});
    // Another isolate records once of its own, and the object writes nothing within the day.
    const before = await pullTime(pulls);
    await ociPull(pulls, digest, pulls.isolate());
    expect(pulls.taken()).toEqual({ describeImages: 1, recordPulls: 1 });
    expect(await pullTime(pulls)).toBe(before);
  });
});
