// Blob DELETE on the OCI door, on real local R2 and Durable Objects: the repository's link goes, the R2
// object with the last link, and a blob an image still references is refused.
import { env } from 'cloudflare:test';
import { digestOf } from '@edgecr/protocol';
import { layerObjectKey } from '@edgecr/registry';
import { describe, expect, it } from 'vitest';
import { createRepository, KEYS, randomBytes, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, errorCode, oci } from './_oci.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** Pushes `bytes` as an upload closed by `digest`; returns the R2 key the blob is stored under. */
async function pushBlob(name: string, bytes: Uint8Array, auth: string, digest: string): Promise<string> {
  const opened = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth });
  expect(opened.status).toBe(202);
  const location = opened.headers.get('location') ?? '';
  const closed = await oci(`${location}?digest=${digest}`, { method: 'PUT', auth, body: bytes });
  expect(closed.status).toBe(201);
  return layerObjectKey(location.slice(location.lastIndexOf('/') + 1));
}

const blobPath = (name: string, digest: string) => `/v2/${name}/blobs/${digest}`;

describe('OCI door: blob DELETE', () => {
  it('deletes a blob (202), after which it is unknown (404); the R2 object goes with the last link', async () => {
    const auth = await basicAuth();
    const [name, other] = [repositoryName('oci-del'), repositoryName('oci-del-b')];
    await createRepository(name);
    await createRepository(other);
    const bytes = randomBytes(70_001, 41);
    const digest = await sha256Digest(bytes);
    const key = await pushBlob(name, bytes, auth, digest);
    const mounted = await oci(`/v2/${other}/blobs/uploads/?mount=${digest}&from=${name}`, {
      method: 'POST',
      auth,
    });
    expect(mounted.status).toBe(201);

    const deleted = await oci(blobPath(name, digest), { method: 'DELETE', auth });
    expect(deleted.status).toBe(202);
    expect((await oci(blobPath(name, digest), { method: 'HEAD', auth })).status).toBe(404);
    const again = await oci(blobPath(name, digest), { method: 'DELETE', auth });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('BLOB_UNKNOWN');
    // The second repository keeps its link to the one copy.
    const kept = await oci(blobPath(other, digest), { auth });
    expect(kept.status).toBe(200);
    expect(new Uint8Array(await kept.arrayBuffer())).toEqual(bytes);
    expect((await env.LAYERS.head(key))?.size).toBe(bytes.length);

    expect((await oci(blobPath(other, digest), { method: 'DELETE', auth })).status).toBe(202);
    expect(await env.LAYERS.head(key)).toBeNull();
  });

  it('refuses a blob an image of the repository references with 409 DENIED, until the image goes', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-del-ref');
    await createRepository(name);
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux' }));
    const layer = randomBytes(5000, 42);
    const [configDigest, layerDigest] = [await sha256Digest(config), await sha256Digest(layer)];
    await pushBlob(name, config, auth, configDigest);
    const key = await pushBlob(name, layer, auth, layerDigest);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
      ],
    });
    const put = await oci(`/v2/${name}/manifests/v1`, {
      method: 'PUT',
      auth,
      body: manifest,
      headers: { 'content-type': OCI_MANIFEST },
    });
    expect(put.status).toBe(201);

    const refused = await oci(blobPath(name, layerDigest), { method: 'DELETE', auth });
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('DENIED');
    expect((await oci(blobPath(name, layerDigest), { method: 'HEAD', auth })).status).toBe(200);
    expect((await env.LAYERS.head(key))?.size).toBe(layer.length);

    const imageDigest = put.headers.get('docker-content-digest') ?? '';
    expect((await oci(`/v2/${name}/manifests/${imageDigest}`, { method: 'DELETE', auth })).status).toBe(202);
    expect((await oci(blobPath(name, layerDigest), { method: 'DELETE', auth })).status).toBe(202);
    expect(await env.LAYERS.head(key)).toBeNull();
  });

  it('refuses a pull-only key with DENIED (403) and keeps the blob; deletes by a sha512 digest', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-del-key');
    await createRepository(name);
    const bytes = randomBytes(3000, 43);
    const digest = await digestOf('sha512', bytes);
    const key = await pushBlob(name, bytes, auth, digest);
    const refused = await oci(blobPath(name, digest), {
      method: 'DELETE',
      auth: await basicAuth(KEYS.pullOnly),
    });
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('DENIED');
    expect((await oci(blobPath(name, digest), { method: 'HEAD', auth })).status).toBe(200);

    expect((await oci(blobPath(name, digest), { method: 'DELETE', auth })).status).toBe(202);
    expect((await oci(blobPath(name, await sha256Digest(bytes)), { method: 'HEAD', auth })).status).toBe(404);
    expect(await env.LAYERS.head(key)).toBeNull();
    const missing = await oci(blobPath(`${name}-none`, digest), { method: 'DELETE', auth });
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('NAME_UNKNOWN');
  });
});
