// What a pull costs at the Registry object: every catalog call a door makes, counted at the hosting's catalog
// handle (the one seam to the object), for a cold and a warm pull of a three-layer image through both doors.
import { digestOf, OCI_MANIFEST } from '@edgecr/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Endpoint, MemoryEdgeCache } from '../src/index.ts';
import { countingEndpoint, ecrCall, login, oci } from './_endpoint.ts';

let endpoint: Endpoint;
let calls: string[];
let auth: string;
let clock: { now: number };
let image: { config: string; layers: string[]; manifest: string; digest: string };

const encoder = new TextEncoder();

async function pushBlob(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await digestOf('sha256', bytes);
  const response = await oci(endpoint, `/v2/app/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: bytes,
    auth,
  });
  expect(response.status).toBe(201);
  return digest;
}

/** Pushes a config, three layers and a manifest tagged `v1`. */
async function pushImage() {
  const configBytes = encoder.encode('{"architecture":"amd64","os":"linux"}');
  const config = await pushBlob(configBytes);
  const layerBytes = [1, 2, 3].map((n) => encoder.encode(`layer ${n} `.repeat(100 * n)));
  const layers = await Promise.all(layerBytes.map(pushBlob));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: config,
      size: configBytes.length,
    },
    layers: layers.map((digest, i) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest,
      size: layerBytes[i]?.length,
    })),
  });
  const put = await oci(endpoint, '/v2/app/manifests/v1', {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': OCI_MANIFEST },
    auth,
  });
  expect(put.status).toBe(201);
  return { config, layers, manifest, digest: await digestOf('sha256', encoder.encode(manifest)) };
}

/** A pull as docker makes it: manifest HEAD and GET by tag, then the config and each layer; every byte checked. */
async function ociPull(): Promise<void> {
  const accept = { accept: OCI_MANIFEST };
  const head = await oci(endpoint, '/v2/app/manifests/v1', { method: 'HEAD', headers: accept, auth });
  expect(head.status).toBe(200);
  expect(head.headers.get('docker-content-digest')).toBe(image.digest);
  const manifest = await oci(endpoint, '/v2/app/manifests/v1', { headers: accept, auth });
  expect(await manifest.text()).toBe(image.manifest);
  for (const digest of [image.config, ...image.layers]) {
    const blob = await oci(endpoint, `/v2/app/blobs/${digest}`, { auth });
    expect(blob.status).toBe(200);
    expect(await digestOf('sha256', new Uint8Array(await blob.arrayBuffer()))).toBe(digest);
  }
}

/** A pull through the ECR API: BatchGetImage, then GetDownloadUrlForLayer and the download of each blob. */
async function ecrPull(): Promise<void> {
  const got = await ecrCall(endpoint, 'BatchGetImage', {
    repositoryName: 'app',
    imageIds: [{ imageTag: 'v1' }],
  });
  expect(got.status).toBe(200);
  expect((got.json.images as { imageManifest: string }[])[0]?.imageManifest).toBe(image.manifest);
  for (const layerDigest of [image.config, ...image.layers]) {
    const url = await ecrCall(endpoint, 'GetDownloadUrlForLayer', { repositoryName: 'app', layerDigest });
    expect(url.status).toBe(200);
    const download = await oci(
      endpoint,
      new URL(url.json.downloadUrl as string).pathname + new URL(url.json.downloadUrl as string).search,
    );
    expect(download.status).toBe(200);
    expect(await digestOf('sha256', new Uint8Array(await download.arrayBuffer()))).toBe(layerDigest);
  }
}

/** The calls made since the last look, as `method` counts, and forgets them. */
function taken(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls.splice(0)) {
    const method = call.split(' ')[1] as string;
    counts[method] = (counts[method] ?? 0) + 1;
  }
  return counts;
}

/** A fresh endpoint (with or without the pull memo) holding the image; the calls of the push forgotten. */
async function setUp(memo: boolean): Promise<void> {
  ({ endpoint, calls, clock } = countingEndpoint({
    memo,
    settings: { holdingCacheSeconds: 60, tagCacheSeconds: 5 },
  }));
  auth = await login(endpoint);
  expect((await ecrCall(endpoint, 'CreateRepository', { repositoryName: 'app' })).status).toBe(200);
  image = await pushImage();
  taken();
}

describe('the Registry object calls of a pull of a three-layer image, every answer asked of the object', () => {
  beforeEach(() => setUp(false));

  it('through /v2/: N+3 cold, and the same again warm', async () => {
    await ociPull();
    expect(taken()).toEqual({ pullImage: 2, findLayer: 4 });
    await ociPull();
    expect(taken()).toEqual({ pullImage: 2, findLayer: 4 });
  });

  it('through the ECR API: BatchGetImage, then two per blob (its URL and its download)', async () => {
    await ecrPull();
    expect(taken()).toEqual({ pullImage: 1, findLayer: 8 });
    await ecrPull();
    expect(taken()).toEqual({ pullImage: 1, findLayer: 8 });
  });
});

describe('the Registry object calls of the same pulls with the pull memo', () => {
  beforeEach(() => setUp(true));

  it('through /v2/: N+2 cold, the tag alone once its few seconds pass, nothing within them', async () => {
    await ociPull();
    expect(taken()).toEqual({ pullImage: 1, findLayer: 4 });
    await ociPull();
    expect(taken()).toEqual({});
    clock.now += 10_000;
    await ociPull();
    expect(taken()).toEqual({ pullImage: 1 });
    // Past the holding time every fact is asked again.
    clock.now += 61_000;
    await ociPull();
    expect(taken()).toEqual({ pullImage: 1, findLayer: 4 });
  });

  it('through the ECR API: BatchGetImage and one call per blob cold, the tag alone warm', async () => {
    await ecrPull();
    expect(taken()).toEqual({ pullImage: 1, findLayer: 4 });
    clock.now += 10_000;
    await ecrPull();
    expect(taken()).toEqual({ pullImage: 1 });
  });

  it('never answers a key that may not read the repository, right after a permitted pull', async () => {
    const other = { accessKeyId: 'AKIAEDGECRNODETEST02', secretAccessKey: 'edgecr-node-test-other' };
    const credentials = JSON.parse(endpoint.settings.credentials as string);
    credentials[other.accessKeyId] = {
      secretAccessKey: other.secretAccessKey,
      registryId: '123456789012',
      permission: 'pull',
      repositoryPrefixes: ['other/'],
    };
    endpoint.settings.credentials = JSON.stringify(credentials);
    await ociPull();
    taken();
    const otherAuth = await login(endpoint, other);
    for (const path of [
      `/v2/app/blobs/${image.layers[0]}`,
      `/v2/app/manifests/${image.digest}`,
      '/v2/app/manifests/v1',
    ]) {
      const refused = await oci(endpoint, path, { auth: otherAuth });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('DENIED');
    }
    const url = await ecrCall(
      endpoint,
      'GetDownloadUrlForLayer',
      { repositoryName: 'app', layerDigest: image.config },
      undefined,
      other,
    );
    expect(url.status).toBe(400);
    expect(url.json.__type).toBe('AccessDeniedException');
    expect(taken()).toEqual({});
  });

  it('forgets what it kept of a repository when a delete goes through this isolate', async () => {
    const byDigest = `/v2/app/manifests/${image.digest}`;
    expect((await oci(endpoint, byDigest, { auth })).status).toBe(200);
    expect((await oci(endpoint, byDigest, { method: 'DELETE', auth })).status).toBe(202);
    expect((await oci(endpoint, byDigest, { auth })).status).toBe(404);
    expect((await oci(endpoint, '/v2/app/manifests/v1', { auth })).status).toBe(404);
    const layer = `/v2/app/blobs/${image.layers[0]}`;
    expect((await oci(endpoint, layer, { auth })).status).toBe(200);
    expect((await oci(endpoint, layer, { method: 'DELETE', auth })).status).toBe(202);
    expect((await oci(endpoint, layer, { auth })).status).toBe(404);
  });
});

describe('blob bytes from the edge cache', () => {
  beforeEach(() => setUp(true));

  it('serves a warm pull, whole and ranged, without reading the blob store, and keeps no range', async () => {
    const edge = new MemoryEdgeCache();
    const reads: string[] = [];
    const { blobs } = endpoint;
    endpoint.edge = edge;
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
    const layer = image.layers[2] as string;
    const ranged = await oci(endpoint, `/v2/app/blobs/${layer}`, { headers: { range: 'bytes=2-9' }, auth });
    expect(ranged.status).toBe(206);
    await ranged.arrayBuffer();
    await edge.settled();
    expect(await edge.match(layer)).toBeUndefined();
    await ociPull();
    await edge.settled();
    reads.splice(0);
    await ociPull();
    expect(reads).toEqual([]);
    const whole = new Uint8Array(
      await (await oci(endpoint, `/v2/app/blobs/${layer}`, { auth })).arrayBuffer(),
    );
    const again = await oci(endpoint, `/v2/app/blobs/${layer}`, { headers: { range: 'bytes=2-9' }, auth });
    expect(again.status).toBe(206);
    expect(again.headers.get('content-range')).toBe(`bytes 2-9/${whole.length}`);
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(whole.subarray(2, 10));
    expect(reads).toEqual([]);
  });
});
