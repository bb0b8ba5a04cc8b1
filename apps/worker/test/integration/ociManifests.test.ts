import { describe, expect, it } from 'vitest';
import { call, createRepository, KEYS, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, errorCode, oci, pushBlob } from './_oci.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Pushes a blob monolithically; returns its descriptor. */
async function pushDescriptor(name: string, bytes: Uint8Array, auth: string, mediaType: string) {
  return { mediaType, digest: await pushBlob(name, bytes, auth), size: bytes.length };
}

/** A small OCI image (config + one layer) in `name`; returns its manifest bytes. */
async function imageManifest(name: string, auth: string, extra: Record<string, unknown> = {}) {
  const config = await pushDescriptor(
    name,
    encode({ architecture: 'amd64', os: 'linux' }),
    auth,
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = await pushDescriptor(
    name,
    new Uint8Array([1, 2, 3, 4]),
    auth,
    'application/vnd.oci.image.layer.v1.tar+gzip',
  );
  return encode({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer], ...extra });
}

async function putManifest(name: string, reference: string, bytes: Uint8Array, auth: string) {
  return await oci(`/v2/${name}/manifests/${reference}`, {
    method: 'PUT',
    body: bytes,
    auth,
    headers: { 'content-type': OCI_MANIFEST },
  });
}

describe('OCI door: manifests', () => {
  it('stores a manifest by tag, serves it byte for byte by tag and digest, and records the pull', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-manifest');
    await createRepository(name);
    const bytes = await imageManifest(name, auth);
    const digest = await sha256Digest(bytes);
    const put = await putManifest(name, 'v1', bytes, auth);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    expect(put.headers.get('location')).toBe(`/v2/${name}/manifests/${digest}`);
    // The same manifest again is a success.
    expect((await putManifest(name, 'v1', bytes, auth)).status).toBe(201);
    for (const reference of ['v1', digest]) {
      const got = await oci(`/v2/${name}/manifests/${reference}`, {
        auth,
        headers: { accept: OCI_MANIFEST },
      });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe(OCI_MANIFEST);
      expect(got.headers.get('docker-content-digest')).toBe(digest);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    }
    const head = await oci(`/v2/${name}/manifests/v1`, { method: 'HEAD', auth });
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(head.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    for (const method of ['GET', 'HEAD']) {
      const cached = await oci(`/v2/${name}/manifests/${digest}`, {
        method,
        auth,
        headers: { 'if-none-match': `"${digest}"` },
      });
      expect(cached.status, method).toBe(304);
      expect(cached.headers.get('docker-content-digest')).toBe(digest);
      expect(await cached.text()).toBe('');
    }
    const stale = await oci(`/v2/${name}/manifests/${digest}`, {
      auth,
      headers: { accept: OCI_MANIFEST, 'if-none-match': `"sha256:${'0'.repeat(64)}"` },
    });
    expect(new Uint8Array(await stale.arrayBuffer())).toEqual(bytes);
    const { json } = await call('DescribeImages', { repositoryName: name, imageIds: [{ imageTag: 'v1' }] });
    expect(json.imageDetails[0].lastRecordedPullTime).toBeGreaterThan(0);
  });

  it('refuses a manifest naming a blob the repository lacks, one too large, and a pull-only key', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-refuse');
    await createRepository(name);
    const missing = encode({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${'3'.repeat(64)}`,
        size: 2,
      },
      layers: [],
    });
    const refused = await putManifest(name, 'v1', missing, auth);
    expect(refused.status).toBe(400);
    expect(await errorCode(refused)).toBe('MANIFEST_BLOB_UNKNOWN');
    const huge = await putManifest(name, 'v1', new Uint8Array(4 * 1024 * 1024 + 1), auth);
    expect(huge.status).toBe(413);
    const pullOnly = await putManifest(name, 'v1', missing, await basicAuth(KEYS.pullOnly));
    expect(pullOnly.status).toBe(403);
    const unknown = await oci(`/v2/${name}/manifests/nope`, { auth });
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('MANIFEST_UNKNOWN');
  });

  it('lists tags with n/last and Link, and deletes by tag and by digest', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-tags');
    await createRepository(name);
    const bytes = await imageManifest(name, auth);
    for (const tag of ['c', 'a', 'b']) expect((await putManifest(name, tag, bytes, auth)).status).toBe(201);
    const all = await oci(`/v2/${name}/tags/list`, { auth });
    expect(await all.json()).toEqual({ name, tags: ['a', 'b', 'c'] });
    const page = await oci(`/v2/${name}/tags/list?n=1&last=a`, { auth });
    expect(await page.json()).toEqual({ name, tags: ['b'] });
    expect(page.headers.get('link')).toBe(`</v2/${name}/tags/list?n=1&last=b>; rel="next"`);
    expect((await oci(`/v2/${name}/manifests/a`, { method: 'DELETE', auth })).status).toBe(202);
    expect(
      ((await (await oci(`/v2/${name}/tags/list`, { auth })).json()) as { tags: string[] }).tags,
    ).toEqual(['b', 'c']);
    const digest = await sha256Digest(bytes);
    expect((await oci(`/v2/${name}/manifests/${digest}`, { method: 'DELETE', auth })).status).toBe(202);
    expect((await oci(`/v2/${name}/manifests/b`, { auth })).status).toBe(404);
  });

  it('answers OCI-Subject and lists referrers, filtered by artifactType', async () => {
    const auth = await basicAuth();
    const name = repositoryName('oci-referrers');
    await createRepository(name);
    const subjectBytes = await imageManifest(name, auth);
    const subject = {
      mediaType: OCI_MANIFEST,
      digest: await sha256Digest(subjectBytes),
      size: subjectBytes.length,
    };
    // A referrer may come before its subject.
    const signature = await imageManifest(name, auth, {
      artifactType: 'application/vnd.example.signature',
      subject,
      annotations: { 'org.example.signed-by': 'test' },
    });
    const put = await putManifest(name, await sha256Digest(signature), signature, auth);
    expect(put.status).toBe(201);
    expect(put.headers.get('oci-subject')).toBe(subject.digest);
    const sbom = await imageManifest(name, auth, { artifactType: 'application/vnd.example.sbom', subject });
    await putManifest(name, await sha256Digest(sbom), sbom, auth);
    await putManifest(name, 'v1', subjectBytes, auth);

    const all = await oci(`/v2/${name}/referrers/${subject.digest}`, { auth });
    expect(all.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const index = (await all.json()) as {
      manifests: { digest: string; artifactType: string; size: number }[];
    };
    expect(index.manifests.map((m) => m.artifactType).sort()).toEqual([
      'application/vnd.example.sbom',
      'application/vnd.example.signature',
    ]);
    const filtered = await oci(
      `/v2/${name}/referrers/${subject.digest}?artifactType=application/vnd.example.signature`,
      {
        auth,
      },
    );
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(await filtered.json()).toMatchObject({
      manifests: [
        {
          digest: await sha256Digest(signature),
          size: signature.length,
          annotations: { 'org.example.signed-by': 'test' },
        },
      ],
    });
    const none = await oci(`/v2/${name}/referrers/sha256:${'4'.repeat(64)}`, { auth });
    expect(await none.json()).toMatchObject({ manifests: [] });
  });
});
