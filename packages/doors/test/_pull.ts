// A three-layer image pushed to a counting endpoint, and pulls of it as the clients make them, every byte
// checked: what the pull-cost tests count.
import { digestOf, OCI_MANIFEST } from '@edgecr/protocol';
import { expect } from 'vitest';
import type { Endpoint, Settings } from '../src/index.ts';
import { type Counted, countingEndpoint, ecrCall, login, oci, pushBlob } from './_endpoint.ts';

const encoder = new TextEncoder();

/** The image every pull fetches. */
export interface PushedImage {
  config: string;
  layers: string[];
  manifest: string;
  digest: string;
}

/** A counting endpoint holding the image (tagged `v1` in `app`), its push's calls forgotten. */
export interface PullFixture extends Counted {
  auth: string;
  image: PushedImage;
  /** The calls made since the last look, as `method` counts, and forgets them. */
  taken(): Record<string, number>;
}

/** Pushes a config, three layers and a manifest tagged `v1`. */
async function pushImage(endpoint: Endpoint, auth: string): Promise<PushedImage> {
  const configBytes = encoder.encode('{"architecture":"amd64","os":"linux"}');
  const config = await pushBlob(endpoint, auth, configBytes);
  const layerBytes = [1, 2, 3].map((n) => encoder.encode(`layer ${n} `.repeat(100 * n)));
  const layers = await Promise.all(layerBytes.map((bytes) => pushBlob(endpoint, auth, bytes)));
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

/** A fresh counting endpoint holding the image; the calls of the push (and its deferred work) forgotten. */
export async function pullFixture(options: {
  memo: boolean;
  edge?: boolean;
  settings?: Partial<Settings>;
}): Promise<PullFixture> {
  const counted = countingEndpoint({
    ...options,
    settings: { holdingCacheSeconds: 60, tagCacheSeconds: 5, ...options.settings },
  });
  const { endpoint, calls } = counted;
  const auth = await login(endpoint);
  expect((await ecrCall(endpoint, 'CreateRepository', { repositoryName: 'app' })).status).toBe(200);
  const image = await pushImage(endpoint, auth);
  await counted.settled();
  // A moment passes: what a pull asks after the push is newer than the push (answers asked in the same
  // millisecond as a change through the isolate are not kept).
  counted.clock.now += 1000;
  const taken = () => {
    const counts: Record<string, number> = {};
    for (const call of calls.splice(0)) {
      const method = call.split(' ')[1] as string;
      counts[method] = (counts[method] ?? 0) + 1;
    }
    return counts;
  };
  taken();
  return { ...counted, auth, image, taken };
}

/**
 * A pull as docker makes it: manifest HEAD and GET (by tag, or by digest when `reference` is one), then the
 * config and each layer; every byte checked, and the work deferred past the answers finished.
 */
export async function ociPull(
  fixture: PullFixture,
  reference = 'v1',
  endpoint: Endpoint = fixture.endpoint,
): Promise<void> {
  const { auth, image } = fixture;
  const accept = { accept: OCI_MANIFEST };
  const path = `/v2/app/manifests/${reference}`;
  const head = await oci(endpoint, path, { method: 'HEAD', headers: accept, auth });
  expect(head.status).toBe(200);
  expect(head.headers.get('docker-content-digest')).toBe(image.digest);
  const manifest = await oci(endpoint, path, { headers: accept, auth });
  expect(await manifest.text()).toBe(image.manifest);
  for (const digest of [image.config, ...image.layers]) {
    const blob = await oci(endpoint, `/v2/app/blobs/${digest}`, { auth });
    expect(blob.status).toBe(200);
    expect(await digestOf('sha256', new Uint8Array(await blob.arrayBuffer()))).toBe(digest);
  }
  await fixture.settled();
}

/** A pull through the ECR API: BatchGetImage, then GetDownloadUrlForLayer and the download of each blob. */
export async function ecrPull(fixture: PullFixture): Promise<void> {
  const { endpoint, image } = fixture;
  const got = await ecrCall(endpoint, 'BatchGetImage', {
    repositoryName: 'app',
    imageIds: [{ imageTag: 'v1' }],
  });
  expect(got.status).toBe(200);
  expect((got.json.images as { imageManifest: string }[])[0]?.imageManifest).toBe(image.manifest);
  for (const layerDigest of [image.config, ...image.layers]) {
    const url = await ecrCall(endpoint, 'GetDownloadUrlForLayer', { repositoryName: 'app', layerDigest });
    expect(url.status).toBe(200);
    const download = new URL(url.json.downloadUrl as string);
    const bytes = await oci(endpoint, download.pathname + download.search);
    expect(bytes.status).toBe(200);
    expect(await digestOf('sha256', new Uint8Array(await bytes.arrayBuffer()))).toBe(layerDigest);
  }
  await fixture.settled();
}
