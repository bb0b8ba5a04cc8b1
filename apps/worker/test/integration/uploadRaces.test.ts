// The races a registry meets on one upload, on the real stack (the Worker, R2, the LayerUpload and Registry
// Durable Objects): expiry against a late chunk, two completions of one upload. One outcome each, no orphan,
// no lost byte.
import { describe, expect, it } from 'vitest';
import { call, createRepository, randomBytes, repositoryName, sha256Digest, uploadInParts } from './_api.ts';
import { basicAuth, oci } from './_oci.ts';
import { expectBucketMatchesCatalog, expireUpload, race, STAGGERS_MS } from './_races.ts';

/** Opens an OCI upload and sends its first chunk; the upload's location and id. */
async function openWithChunk(name: string, chunk: Uint8Array, auth: string) {
  const opened = await oci(`/v2/${name}/blobs/uploads/`, { method: 'POST', auth });
  expect(opened.status).toBe(202);
  const location = opened.headers.get('location') ?? '';
  const sent = await oci(location, {
    method: 'PATCH',
    auth,
    body: chunk,
    headers: { 'content-range': `0-${chunk.length - 1}` },
  });
  expect(sent.status).toBe(202);
  return { location, uploadId: location.slice(location.lastIndexOf('/') + 1) };
}

describe('races on one upload', () => {
  it.each(STAGGERS_MS)(
    'expiry against a late chunk (second at %i ms): resumable where it says, or gone whole',
    async (delay) => {
      const auth = await basicAuth();
      const name = repositoryName('race-expiry');
      await createRepository(name);
      const bytes = randomBytes(90_000, 7);
      const cut = 30_000;
      const { location, uploadId } = await openWithChunk(name, bytes.slice(0, cut), auth);

      const [, late] = await race(
        () => expireUpload(uploadId),
        () =>
          oci(location, {
            method: 'PATCH',
            auth,
            body: bytes.slice(cut, 2 * cut),
            headers: { 'content-range': `${cut}-${2 * cut - 1}` },
          }),
        delay,
      );
      // The chunk was taken before the expiry, or found the upload gone; nothing else.
      expect([202, 404]).toContain(late.status);
      await late.body?.cancel();

      const digest = await sha256Digest(bytes);
      const status = await oci(location, { auth });
      if (status.status === 204) {
        // Still open: it resumes from the offset it reports, and the layer completes byte for byte.
        const received = Number(status.headers.get('range')?.split('-')[1]) + 1;
        expect(received).toBe(late.status === 202 ? 2 * cut : cut);
        const done = await oci(`${location}?digest=${digest}`, {
          method: 'PUT',
          auth,
          body: bytes.slice(received),
          headers: { 'content-range': `${received}-${bytes.length - 1}` },
        });
        expect(done.status).toBe(201);
        const read = await oci(`/v2/${name}/blobs/${digest}`, { auth });
        expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes);
      } else {
        // Expired: unknown to every request, completing it included.
        expect(status.status).toBe(404);
        const done = await oci(`${location}?digest=${digest}`, {
          method: 'PUT',
          auth,
          body: bytes.slice(cut),
        });
        expect(done.status).toBe(404);
        expect((await oci(`/v2/${name}/blobs/${digest}`, { method: 'HEAD', auth })).status).toBe(404);
      }
      await expectBucketMatchesCatalog();
    },
  );

  it.each(STAGGERS_MS)(
    'two CompleteLayerUpload of one upload (second at %i ms): one layer, both told the truth',
    async (delay) => {
      const auth = await basicAuth();
      const name = repositoryName('race-complete');
      await createRepository(name);
      const bytes = randomBytes(50_000, 8);
      const digest = await sha256Digest(bytes);
      const uploadId = await uploadInParts(name, bytes, []);
      const complete = () =>
        call('CompleteLayerUpload', { repositoryName: name, uploadId, layerDigests: [digest] });

      const answers = await race(complete, complete, delay);
      // One completion stores the layer; the other finds it done (the same answer, or the layer present).
      expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(1);
      for (const answer of answers) {
        if (answer.status === 200) expect(answer.json.layerDigest).toBe(digest);
        else expect(answer.json.__type).toMatch(/^(LayerAlreadyExists|UploadNotFound)Exception$/);
      }
      const read = await oci(`/v2/${name}/blobs/${digest}`, { auth });
      expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes);
      await expectBucketMatchesCatalog();
    },
  );

  it.each(STAGGERS_MS)(
    'two OCI closes of one upload (second at %i ms): one blob, byte for byte',
    async (delay) => {
      const auth = await basicAuth();
      const name = repositoryName('race-close');
      await createRepository(name);
      const bytes = randomBytes(60_000, 9);
      const digest = await sha256Digest(bytes);
      const { location } = await openWithChunk(name, bytes, auth);
      const close = () => oci(`${location}?digest=${digest}`, { method: 'PUT', auth });

      const answers = await race(close, close, delay);
      const statuses = answers.map((answer) => answer.status);
      await Promise.all(answers.map((answer) => answer.body?.cancel()));
      // The first close creates the blob; the second either finds it created or the upload closed.
      expect(statuses).toContain(201);
      for (const status of statuses) expect([201, 404]).toContain(status);
      const read = await oci(`/v2/${name}/blobs/${digest}`, { auth });
      expect(new Uint8Array(await read.arrayBuffer())).toEqual(bytes);
      await expectBucketMatchesCatalog();
    },
  );
});
