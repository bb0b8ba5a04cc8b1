import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { ResumableSha256 } from '@edgecr/chunker';
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
    const { progress, implementation } = await runInDurableObject(
      uploadObject(uploadId),
      async (instance: LayerUpload) => ({
        progress: await instance.inspect(),
        implementation: ResumableSha256.implementation,
      }),
    );
    // The upload object hashed the layer on the WebAssembly SHA-256 it was handed, not noble's fallback.
    expect(implementation).toBe('wasm');
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

  it('answers 404 on a URL whose repository was deleted since', async () => {
    const { repository, digest } = await stored();
    const { json } = await call('GetDownloadUrlForLayer', {
      repositoryName: repository,
      layerDigest: digest,
    });
    await call('DeleteRepository', { repositoryName: repository, force: true });
    expect((await SELF.fetch(json.downloadUrl)).status).toBe(404);
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
