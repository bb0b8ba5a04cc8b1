// sha512 blobs and manifests through the OCI door, on real local R2 and Durable Objects: a client names the
// algorithm only when it closes an upload, so every OCI upload hashes with SHA-256 and SHA-512 as it goes.
import { digestOf } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { PART_SIZE } from '../../src/config.ts';
import { createRepository, randomBytes, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, errorCode, oci, pushBlob } from './_oci.ts';

const sha512 = (bytes: Uint8Array) => digestOf('sha512', new Uint8Array(bytes));

describe('OCI door: sha512 blobs', () => {
  it('a chunked upload across a part boundary closes by sha512; a wrong one is refused and the upload goes on', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-512-chunked');
    await createRepository(name);
    const bytes = randomBytes(PART_SIZE + 300_000, 31);
    const opened = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth });
    const location = opened.headers.get('location') ?? '';
    const cuts = [0, 1000, PART_SIZE - 7, PART_SIZE + 100_000];
    for (const [i, first] of cuts.entries()) {
      const end = cuts[i + 1] ?? bytes.length;
      const response = await oci(location, {
        method: 'PATCH',
        auth,
        body: bytes.slice(first, end),
        headers: { 'content-range': `${first}-${end - 1}` },
      });
      expect(response.status).toBe(202);
      expect(response.headers.get('range')).toBe(`0-${end - 1}`);
    }
    const wrong = await oci(`${location}?digest=${await sha512(bytes.subarray(1))}`, { method: 'PUT', auth });
    expect(wrong.status).toBe(400);
    expect(await errorCode(wrong)).toBe('DIGEST_INVALID');
    const status = await oci(location, { auth });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${bytes.length - 1}`);

    const digest = await sha512(bytes);
    const done = await oci(`${location}?digest=${digest}`, { method: 'PUT', auth });
    expect(done.status).toBe(201);
    expect(done.headers.get('location')).toBe(`/v2/${name}/blobs/${digest}`);
    const got = await oci(`/v2/${name}/blobs/${digest}`, { auth });
    expect(got.status).toBe(200);
    expect(got.headers.get('docker-content-digest')).toBe(digest);
    // Compared by digest: an element-wise toEqual over 10 MiB exhausts workerd's heap.
    expect(await sha512(new Uint8Array(await got.arrayBuffer()))).toBe(digest);
    // The same stored object under its sha256 name.
    const head = await oci(`/v2/${name}/blobs/${await sha256Digest(bytes)}`, { method: 'HEAD', auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('takes a monolithic sha512 push and an empty blob, and mounts by sha512', async () => {
    const auth = await basicAuth();
    const [from, to] = [repositoryName('oci-512-from'), repositoryName('oci-512-to')];
    await createRepository(from);
    await createRepository(to);
    const digest = await pushBlob(from, randomBytes(5000, 32), auth, 'sha512');
    const empty = await pushBlob(from, new Uint8Array(0), auth, 'sha512');
    expect(
      (await oci(`/v2/${from}/blobs/${empty}`, { method: 'HEAD', auth })).headers.get('content-length'),
    ).toBe('0');
    const mounted = await oci(`/v2/${to}/blobs/uploads/?mount=${digest}&from=${from}`, {
      method: 'POST',
      auth,
    });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/${to}/blobs/${digest}`);
    const range = await oci(`/v2/${to}/blobs/${digest}`, { auth, headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(randomBytes(5000, 32).subarray(10, 20));
  });

  it('mounts by a sha512 digest without `from`', async () => {
    const auth = await basicAuth();
    const [from, to] = [repositoryName('oci-512-anon-from'), repositoryName('oci-512-anon-to')];
    await createRepository(from);
    await createRepository(to);
    const digest = await pushBlob(from, randomBytes(5003, 63), auth, 'sha512');
    const mounted = await oci(`/v2/${to}/blobs/uploads/?mount=${digest}`, { method: 'POST', auth });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/${to}/blobs/${digest}`);
    const head = await oci(`/v2/${to}/blobs/${digest}`, { method: 'HEAD', auth });
    expect(head.headers.get('content-length')).toBe('5003');
  });
});

describe('OCI door: sha512 manifests', () => {
  it('puts, heads, gets and deletes a manifest of sha512 descriptors by its sha512 digest', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-512-manifest');
    await createRepository(name);
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux"}');
    const layer = randomBytes(700, 33);
    const manifest = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: await pushBlob(name, config, auth, 'sha512'),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: await pushBlob(name, layer, auth, 'sha512'),
            size: 700,
          },
        ],
      }),
    );
    const digest = await sha512(manifest);
    const headers = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
    const wrong = await oci(`/v2/${name}/manifests/${await sha512(config)}`, {
      method: 'PUT',
      auth,
      body: manifest,
      headers,
    });
    expect(wrong.status).toBe(400);
    expect(await errorCode(wrong)).toBe('DIGEST_INVALID');
    const put = await oci(`/v2/${name}/manifests/${digest}`, {
      method: 'PUT',
      auth,
      body: manifest,
      headers,
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    expect(put.headers.get('location')).toBe(`/v2/${name}/manifests/${digest}`);
    for (const method of ['HEAD', 'GET']) {
      const response = await oci(`/v2/${name}/manifests/${digest}`, { method, auth });
      expect(response.status).toBe(200);
      expect(response.headers.get('docker-content-digest')).toBe(digest);
      if (method === 'GET') expect(new Uint8Array(await response.arrayBuffer())).toEqual(manifest);
    }
    // The image's identity stays its sha256 digest (ECR's image digest): the same image by that name.
    const by256 = await oci(`/v2/${name}/manifests/${await sha256Digest(manifest)}`, {
      method: 'HEAD',
      auth,
    });
    expect(by256.status).toBe(200);
    expect((await oci(`/v2/${name}/manifests/${digest}`, { method: 'DELETE', auth })).status).toBe(202);
    const gone = await oci(`/v2/${name}/manifests/${digest}`, { auth });
    expect(gone.status).toBe(404);
    expect(await errorCode(gone)).toBe('MANIFEST_UNKNOWN');
  });
});
