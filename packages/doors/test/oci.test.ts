// The OCI door in Node on the memory host: the push and pull a client makes, through the same code the Worker
// serves (its integration suite runs the same door in workerd, on R2 and the Durable Objects).
import { testLayerBytes } from '@edgecr/chunker/testing';
import { digestOf, MiB, OCI_MANIFEST, streamOf } from '@edgecr/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../src/index.ts';
import { ecrCall, login, memoryEndpoint, oci, pushBlob } from './_endpoint.ts';

let endpoint: Endpoint;
let auth: string;

beforeEach(async () => {
  endpoint = memoryEndpoint();
  auth = await login(endpoint);
  expect((await ecrCall(endpoint, 'CreateRepository', { repositoryName: 'app' })).status).toBe(200);
});

function manifestOf(config: string, configSize: number, layer: string, layerSize: number): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configSize },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerSize }],
  });
}

describe('the OCI door on the memory host', () => {
  it('asks for a login, then answers the base route with the API version', async () => {
    const anonymous = await oci(endpoint, '/v2/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic realm=');
    const base = await oci(endpoint, '/v2/', { auth });
    expect(base.status).toBe(200);
    expect(base.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('takes a chunked upload, serves the blob whole, ranged and HEAD, and 416 past its end', async () => {
    const layer = testLayerBytes(6 * MiB + 5, 4);
    const digest = await digestOf('sha256', layer);
    const started = await oci(endpoint, '/v2/app/blobs/uploads/', { method: 'POST', auth });
    expect(started.status).toBe(202);
    const location = started.headers.get('location') as string;
    const first = await oci(endpoint, location, {
      method: 'PATCH',
      body: streamOf(layer.subarray(0, 3 * MiB), 4096),
      auth,
      duplex: 'half',
    } as RequestInit);
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe(`0-${3 * MiB - 1}`);
    const closed = await oci(endpoint, `${location}?digest=${digest}`, {
      method: 'PUT',
      body: layer.subarray(3 * MiB),
      auth,
    });
    expect(closed.status).toBe(201);
    expect(closed.headers.get('docker-content-digest')).toBe(digest);

    const whole = await oci(endpoint, `/v2/app/blobs/${digest}`, { auth });
    // Compared by digest: a deep equality over 6 MiB takes vitest minutes.
    expect(await digestOf('sha256', new Uint8Array(await whole.arrayBuffer()))).toBe(digest);
    const ranged = await oci(endpoint, `/v2/app/blobs/${digest}`, {
      auth,
      headers: { range: 'bytes=10-19' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${layer.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(layer.subarray(10, 20));
    const head = await oci(endpoint, `/v2/app/blobs/${digest}`, { method: 'HEAD', auth });
    expect(head.headers.get('content-length')).toBe(String(layer.length));
    const past = await oci(endpoint, `/v2/app/blobs/${digest}`, {
      auth,
      headers: { range: `bytes=${layer.length}-` },
    });
    expect(past.status).toBe(416);
  });

  it('pushes a manifest by tag, again as a success, pulls it by tag and digest, lists and deletes it', async () => {
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    const layer = testLayerBytes(1000, 2);
    const manifest = manifestOf(
      await pushBlob(endpoint, auth, config),
      config.length,
      await pushBlob(endpoint, auth, layer),
      layer.length,
    );
    const digest = await digestOf('sha256', new TextEncoder().encode(manifest));
    const put = () =>
      oci(endpoint, '/v2/app/manifests/v1', {
        method: 'PUT',
        body: manifest,
        auth,
        headers: { 'content-type': OCI_MANIFEST },
      });
    expect((await put()).status).toBe(201);
    // The same manifest again changes nothing: a success, as the spec wants of a retried PUT.
    const again = await put();
    expect(again.status).toBe(201);
    expect(again.headers.get('docker-content-digest')).toBe(digest);

    for (const reference of ['v1', digest]) {
      const pulled = await oci(endpoint, `/v2/app/manifests/${reference}`, { auth });
      expect(pulled.status).toBe(200);
      expect(await pulled.text()).toBe(manifest);
      expect(pulled.headers.get('docker-content-digest')).toBe(digest);
    }
    const tags = await oci(endpoint, '/v2/app/tags/list', { auth });
    expect(await tags.json()).toEqual({ name: 'app', tags: ['v1'] });
    const referrers = await oci(endpoint, `/v2/app/referrers/${digest}`, { auth });
    expect(((await referrers.json()) as { manifests: unknown[] }).manifests).toEqual([]);

    const deleted = await oci(endpoint, `/v2/app/manifests/${digest}`, { method: 'DELETE', auth });
    expect(deleted.status).toBe(202);
    const gone = await oci(endpoint, `/v2/app/manifests/v1`, { auth });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('MANIFEST_UNKNOWN');
  });

  it('refuses a manifest naming a blob the repository lacks, and deletes an unreferenced blob', async () => {
    const config = new TextEncoder().encode('{}');
    const configDigest = await pushBlob(endpoint, auth, config);
    const missing = await digestOf('sha256', new Uint8Array([1, 2, 3]));
    const refused = await oci(endpoint, '/v2/app/manifests/v1', {
      method: 'PUT',
      body: manifestOf(configDigest, config.length, missing, 3),
      auth,
      headers: { 'content-type': OCI_MANIFEST },
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'MANIFEST_BLOB_UNKNOWN',
    );
    expect((await oci(endpoint, `/v2/app/blobs/${configDigest}`, { method: 'DELETE', auth })).status).toBe(
      202,
    );
    expect((await oci(endpoint, `/v2/app/blobs/${configDigest}`, { auth })).status).toBe(404);
  });
});
