import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { encodeBase64, MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { PART_SIZE } from '../../src/config.ts';
import type { LayerUpload } from '../../src/hosts/layerUpload.ts';
import { call, createRepository, randomBytes, repositoryName, sha256Digest, uploadInParts } from './_api.ts';

async function complete(repository: string, uploadId: string, layerDigests: string[]) {
  return call('CompleteLayerUpload', { repositoryName: repository, uploadId, layerDigests });
}

async function download(repository: string, digest: string, headers: Record<string, string> = {}) {
  const { json } = await call('GetDownloadUrlForLayer', { repositoryName: repository, layerDigest: digest });
  return SELF.fetch(json.downloadUrl, { headers });
}

function uploadObject(uploadId: string) {
  return env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));
}

async function storedObjects(): Promise<number> {
  return (await env.LAYERS.list({ prefix: 'layers/' })).objects.length;
}

describe('InitiateLayerUpload', () => {
  it('returns a fresh upload id and the part size', async () => {
    const repository = repositoryName('init');
    await createRepository(repository);
    const { status, json } = await call('InitiateLayerUpload', { repositoryName: repository });
    expect(status).toBe(200);
    expect(json.uploadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(json.partSize).toBe(PART_SIZE);
  });

  it('refuses a repository that does not exist', async () => {
    const { json } = await call('InitiateLayerUpload', { repositoryName: 'missing-repo' });
    expect(json.__type).toBe('RepositoryNotFoundException');
  });
});

describe('a full push', () => {
  it.each([
    ['odd client part sizes', [7 * MiB, 5.5 * MiB, 20 * MiB], 32.5 * MiB + 3],
    ['parts of exactly partSize (the fast path)', [PART_SIZE, PART_SIZE], 2 * PART_SIZE + 1234],
    ['20 MiB parts, two R2 parts each', [20 * MiB], 20 * MiB + 5],
    ['one small part', [], 3],
  ])('lays out %s into R2 and reads back byte-identical', async (_label, sizes, total) => {
    const repository = repositoryName('push');
    await createRepository(repository);
    const layer = randomBytes(total, sizes.length + 7);
    const digest = await sha256Digest(layer);
    const uploadId = await uploadInParts(repository, layer, sizes);
    const progress = await runInDurableObject(uploadObject(uploadId), (instance: LayerUpload) =>
      instance.inspect(),
    );
    expect(progress).toEqual({
      received: total,
      staged: total % PART_SIZE,
      blobParts: Math.floor(total / PART_SIZE),
      phase: 'uploading',
    });

    const completed = await complete(repository, uploadId, [digest]);
    expect(completed.status).toBe(200);
    expect(completed.json).toEqual({
      registryId: '123456789012',
      repositoryName: repository,
      uploadId,
      layerDigest: digest,
    });

    const response = await download(repository, digest);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(total));
    expect(response.headers.get('etag')).toBe(`"${digest}"`);
    const body = new Uint8Array(await response.arrayBuffer());
    expect(body.length).toBe(total);
    expect(await sha256Digest(body)).toBe(digest);
  });
});

describe('UploadLayerPart', () => {
  async function started() {
    const repository = repositoryName('part');
    await createRepository(repository);
    const { json } = await call('InitiateLayerUpload', { repositoryName: repository });
    const send = (first: number, bytes: Uint8Array, last = first + bytes.length - 1) =>
      call('UploadLayerPart', {
        repositoryName: repository,
        uploadId: json.uploadId,
        partFirstByte: first,
        partLastByte: last,
        layerPartBlob: encodeBase64(bytes),
      });
    return { repository, uploadId: json.uploadId as string, send };
  }

  it('refuses a part that does not start after the last valid byte, saying where to resume', async () => {
    const { repository, uploadId, send } = await started();
    expect((await send(0, randomBytes(100))).json.lastByteReceived).toBe(99);
    const gap = await send(150, randomBytes(10));
    expect(gap.status).toBe(400);
    expect(gap.json).toMatchObject({
      __type: 'InvalidLayerPartException',
      registryId: '123456789012',
      repositoryName: repository,
      uploadId,
      lastValidByteReceived: 99,
    });
  });

  it('refuses a blob whose length differs from the byte range, and a range that ends before it starts', async () => {
    const { send } = await started();
    const mismatch = await send(0, randomBytes(10), 20);
    expect(mismatch.json.__type).toBe('InvalidLayerPartException');
    expect(mismatch.json.lastValidByteReceived).toBe(-1);
    const backwards = await send(5, randomBytes(0), 4);
    expect(backwards.json.__type).toBe('InvalidLayerPartException');
  });

  it('accepts the last part again after a lost response, and refuses other bytes for that range', async () => {
    const { send } = await started();
    const part = randomBytes(1000, 3);
    expect((await send(0, part)).json.lastByteReceived).toBe(999);
    const retry = await send(0, part);
    expect(retry.status).toBe(200);
    expect(retry.json.lastByteReceived).toBe(999);
    const other = await send(0, randomBytes(1000, 4));
    expect(other.json.__type).toBe('InvalidLayerPartException');
    expect(other.json.lastValidByteReceived).toBe(999);
  });

  it('keeps one consistent upload when two different parts for the same range race', async () => {
    const { repository, uploadId, send } = await started();
    const a = randomBytes(6 * MiB, 10);
    const b = randomBytes(6 * MiB, 11);
    const results = await Promise.all([send(0, a), send(0, b)]);
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted).toHaveLength(1);
    expect(refused[0]?.json.__type).toBe('InvalidLayerPartException');
    const winner = results[0]?.status === 200 ? a : b;
    const completed = await complete(repository, uploadId, [await sha256Digest(winner)]);
    expect(completed.status).toBe(200);
  });

  it('answers an unknown upload id with UploadNotFoundException', async () => {
    const { repository } = await started();
    const { json } = await call('UploadLayerPart', {
      repositoryName: repository,
      uploadId: crypto.randomUUID(),
      partFirstByte: 0,
      partLastByte: 0,
      layerPartBlob: 'AA==',
    });
    expect(json.__type).toBe('UploadNotFoundException');
  });

  it('refuses a blob that is not base64', async () => {
    const { repository, uploadId } = await started();
    const { json } = await call('UploadLayerPart', {
      repositoryName: repository,
      uploadId,
      partFirstByte: 0,
      partLastByte: 0,
      layerPartBlob: '!!!!',
    });
    expect(json.__type).toBe('SerializationException');
  });
});

describe('CompleteLayerUpload', () => {
  it('refuses an upload with no parts, in ECR words', async () => {
    const repository = repositoryName('empty');
    await createRepository(repository);
    const { json: started } = await call('InitiateLayerUpload', { repositoryName: repository });
    const { json } = await complete(repository, started.uploadId, [`sha256:${'0'.repeat(64)}`]);
    expect(json.__type).toBe('EmptyUploadException');
    expect(json.message).toBe(
      `The upload with id '${started.uploadId}' in the repository with name '${repository}' in registry with id '123456789012' cannot be completed because it does not have any parts`,
    );
  });

  it('refuses a part under 5 MiB that is not the last', async () => {
    const repository = repositoryName('small');
    await createRepository(repository);
    const layer = randomBytes(3 * MiB);
    const uploadId = await uploadInParts(repository, layer, [MiB, MiB]);
    const { json } = await complete(repository, uploadId, [await sha256Digest(layer)]);
    expect(json.__type).toBe('LayerPartTooSmallException');
    expect(json.message).toBe('All layer parts except the last part should be at least 5MB');
  });

  it('refuses a sha256 digest that does not match, and keeps the upload for a corrected call', async () => {
    const repository = repositoryName('digest');
    await createRepository(repository);
    const layer = randomBytes(5000);
    const digest = await sha256Digest(layer);
    const uploadId = await uploadInParts(repository, layer, []);
    const wrong = await complete(repository, uploadId, [digest, `sha256:${'a'.repeat(64)}`]);
    expect(wrong.json.__type).toBe('InvalidLayerException');
    expect(wrong.json.message).toBe(
      `The layer digest 'sha256:${'a'.repeat(64)}' does not match the computed digest '${digest}'`,
    );
    // Entries of another algorithm cannot be checked and are passed over; the answer names the computed digest.
    const upper = `sha256:${digest.slice(7).toUpperCase()}`;
    const completed = await complete(repository, uploadId, [`sha512:${'a'.repeat(128)}`, upper]);
    expect(completed.status).toBe(200);
    expect(completed.json.layerDigest).toBe(digest);
  });

  it('answers a finished, unknown or other repository upload id with UploadNotFoundException', async () => {
    const repository = repositoryName('done');
    const other = repositoryName('other');
    await createRepository(repository);
    await createRepository(other);
    const layer = randomBytes(100);
    const digest = await sha256Digest(layer);
    const uploadId = await uploadInParts(repository, layer, []);
    expect((await complete(other, uploadId, [digest])).json.__type).toBe('UploadNotFoundException');
    expect((await complete(repository, uploadId, [digest])).status).toBe(200);
    expect((await complete(repository, uploadId, [digest])).json.__type).toBe('UploadNotFoundException');
    expect((await complete(repository, crypto.randomUUID(), [digest])).json.__type).toBe(
      'UploadNotFoundException',
    );
  });

  it('answers a layer the repository already has with LayerAlreadyExistsException', async () => {
    const repository = repositoryName('exists');
    await createRepository(repository);
    const layer = randomBytes(2000);
    const digest = await sha256Digest(layer);
    await complete(repository, await uploadInParts(repository, layer, []), [digest]);
    const { json } = await complete(repository, await uploadInParts(repository, layer, []), [digest]);
    expect(json.__type).toBe('LayerAlreadyExistsException');
  });

  it('stores one copy of a layer that two repositories hold, and deleting one keeps it for the other', async () => {
    const first = repositoryName('dedupe-a');
    const second = repositoryName('dedupe-b');
    await createRepository(first);
    await createRepository(second);
    const layer = randomBytes(12 * MiB, 42);
    const digest = await sha256Digest(layer);
    const before = await storedObjects();
    await complete(first, await uploadInParts(first, layer, [6 * MiB]), [digest]);
    await complete(second, await uploadInParts(second, layer, [6 * MiB]), [digest]);
    expect(await storedObjects()).toBe(before + 1);

    await call('DeleteRepository', { repositoryName: first, force: true });
    const response = await download(second, digest);
    expect(await sha256Digest(new Uint8Array(await response.arrayBuffer()))).toBe(digest);
    await call('DeleteRepository', { repositoryName: second, force: true });
    expect(await storedObjects()).toBe(before);
  });
});

describe('BatchCheckLayerAvailability', () => {
  it('reports available layers with their size, and missing or invalid digests as failures', async () => {
    const repository = repositoryName('check');
    await createRepository(repository);
    const layer = randomBytes(777);
    const digest = await sha256Digest(layer);
    await complete(repository, await uploadInParts(repository, layer, []), [digest]);
    const missing = `sha256:${'b'.repeat(64)}`;
    const { json } = await call('BatchCheckLayerAvailability', {
      repositoryName: repository,
      layerDigests: [digest, missing, 'not-a-digest'],
    });
    expect(json.layers).toEqual([{ layerDigest: digest, layerAvailability: 'AVAILABLE', layerSize: 777 }]);
    expect(json.failures).toEqual([
      {
        layerDigest: missing,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Requested layer digest does not exist',
      },
      {
        layerDigest: 'not-a-digest',
        failureCode: 'InvalidLayerDigest',
        failureReason: 'Invalid layer digest',
      },
    ]);
  });
});

describe('GetDownloadUrlForLayer and the download URL', () => {
  async function stored() {
    const repository = repositoryName('dl');
    await createRepository(repository);
    const layer = randomBytes(4096, 5);
    const digest = await sha256Digest(layer);
    await complete(repository, await uploadInParts(repository, layer, []), [digest]);
    return { repository, layer, digest };
  }

  it('answers LayersNotFoundException for a layer the repository does not hold', async () => {
    const repository = repositoryName('dl-missing');
    await createRepository(repository);
    const { json } = await call('GetDownloadUrlForLayer', {
      repositoryName: repository,
      layerDigest: `sha256:${'c'.repeat(64)}`,
    });
    expect(json.__type).toBe('LayersNotFoundException');
  });

  it('serves byte ranges', async () => {
    const { repository, layer, digest } = await stored();
    const middle = await download(repository, digest, { range: 'bytes=100-199' });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe('bytes 100-199/4096');
    expect(new Uint8Array(await middle.arrayBuffer())).toEqual(layer.subarray(100, 200));
    const suffix = await download(repository, digest, { range: 'bytes=-10' });
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(layer.subarray(4086));
    const beyond = await download(repository, digest, { range: 'bytes=5000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */4096');
  });

  it('refuses a tampered or expired URL with 403 and no bytes', async () => {
    const { repository, digest } = await stored();
    const { json } = await call('GetDownloadUrlForLayer', {
      repositoryName: repository,
      layerDigest: digest,
    });
    const url = new URL(json.downloadUrl);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await SELF.fetch(url)).status).toBe(403);
    const expired = new URL(json.downloadUrl);
    expired.searchParams.set('expires', '1');
    expect((await SELF.fetch(expired)).status).toBe(403);
  });
});

describe('abandoned uploads', () => {
  it('expire: the alarm aborts the R2 upload and deletes every staged byte', async () => {
    const repository = repositoryName('expire');
    await createRepository(repository);
    const layer = randomBytes(12 * MiB);
    const uploadId = await uploadInParts(repository, layer, [12 * MiB]);
    const stub = uploadObject(uploadId);
    expect(await runInDurableObject(stub, (instance: LayerUpload) => instance.inspect())).toMatchObject({
      blobParts: 1,
    });
    // The TTL is a day: move the deadline into the past instead of waiting.
    await runInDurableObject(stub, (_instance: LayerUpload, state) => {
      state.storage.sql.exec(`UPDATE upload SET state = json_set(state, '$.expiresAt', 0)`);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (instance: LayerUpload) => instance.inspect())).toBeNull();
    const rows = await runInDurableObject(stub, (_instance: LayerUpload, state) =>
      state.storage.sql.exec('SELECT count(*) AS n FROM staged').one(),
    );
    expect(rows.n).toBe(0);
    const { json } = await complete(repository, uploadId, [await sha256Digest(layer)]);
    expect(json.__type).toBe('UploadNotFoundException');
  });
});
