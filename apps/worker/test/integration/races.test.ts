// The races a registry meets on the catalog, on the real stack (the Worker, R2, the Registry Durable Object):
// two requests at once through the Worker's fetch, each race with one outcome, no orphan, no lost byte.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { encodeBase64 } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { call, createRepository, randomBytes, repositoryName, sha256Digest } from './_api.ts';
import { basicAuth, oci } from './_oci.ts';
import {
  ageLinks,
  expectBucketMatchesCatalog,
  type PushedBlob,
  pushImageBlobs,
  pushLayer,
  race,
  registryObject,
  STAGGERS_MS,
} from './_races.ts';

/** The blob's bytes as `repository` serves them, or the status it answers instead. */
async function readBlob(repository: string, blob: PushedBlob, auth: string): Promise<Uint8Array | number> {
  const response = await oci(`/v2/${repository}/blobs/${blob.digest}`, { auth });
  if (response.status !== 200) {
    await response.body?.cancel();
    return response.status;
  }
  return new Uint8Array(await response.arrayBuffer());
}

describe('races on the catalog', () => {
  it.each(STAGGERS_MS)(
    'the sweep against a PutImage naming the layers it unlinks (second at %i ms): whole, or refused',
    async (delay) => {
      const auth = await basicAuth();
      const repository = repositoryName('race-sweep');
      await createRepository(repository);
      const { layer, config, manifest } = await pushImageBlobs(repository, 1);
      await ageLinks(repository);

      const [put] = await race(
        () => call('PutImage', { repositoryName: repository, imageManifest: manifest, imageTag: 'v1' }),
        () => runDurableObjectAlarm(registryObject()),
        delay,
      );
      if (put.status === 200) {
        // The image came first: its layers are referenced, the sweep leaves them, byte for byte.
        expect(await readBlob(repository, layer, auth)).toEqual(layer.bytes);
        expect(await readBlob(repository, config, auth)).toEqual(config.bytes);
        await runDurableObjectAlarm(registryObject());
        expect(await readBlob(repository, layer, auth)).toEqual(layer.bytes);
      } else {
        // The sweep came first: the image names layers that are gone and is refused, nothing stored.
        expect(put.json.__type).toBe('LayersNotFoundException');
        expect(await readBlob(repository, layer, auth)).toBe(404);
        const images = await call('ListImages', { repositoryName: repository });
        expect(images.json.imageIds).toEqual([]);
      }
      await expectBucketMatchesCatalog();
    },
  );

  it.each(STAGGERS_MS)(
    'DeleteRepository --force against a push in flight (second at %i ms): all of it goes',
    async (delay) => {
      const repository = repositoryName('race-delete');
      await createRepository(repository);
      const { manifest } = await pushImageBlobs(repository, 2);
      const bytes = randomBytes(30_000, 3);
      const { json } = await call('InitiateLayerUpload', { repositoryName: repository });
      const uploadId = json.uploadId as string;
      await call('UploadLayerPart', {
        repositoryName: repository,
        uploadId,
        partFirstByte: 0,
        partLastByte: bytes.length - 1,
        layerPartBlob: encodeBase64(bytes),
      });

      const layerDigests = [await sha256Digest(bytes)];
      const [[put, completed], deleted] = await race(
        () =>
          Promise.all([
            call('PutImage', { repositoryName: repository, imageManifest: manifest, imageTag: 'v1' }),
            call('CompleteLayerUpload', { repositoryName: repository, uploadId, layerDigests }),
          ]),
        () => call('DeleteRepository', { repositoryName: repository, force: true }),
        delay,
      );
      expect(deleted.status).toBe(200);
      // Each request of the push either came first and was told so, or found the repository gone.
      for (const answer of [put, completed]) {
        if (answer.status !== 200)
          expect(answer.json.__type).toMatch(/^(RepositoryNotFound|UploadNotFound)Exception$/);
      }
      const described = await call('DescribeRepositories', { repositoryNames: [repository] });
      expect(described.json.__type).toBe('RepositoryNotFoundException');
      await expectBucketMatchesCatalog();
    },
  );

  it.each(STAGGERS_MS)(
    'two PutImage to one immutable tag (second at %i ms): one is stored, the other refused',
    async (delay) => {
      const repository = repositoryName('race-immutable');
      const created = await call('CreateRepository', {
        repositoryName: repository,
        imageTagMutability: 'IMMUTABLE',
      });
      expect(created.status).toBe(200);
      const [first, second] = [await pushImageBlobs(repository, 4), await pushImageBlobs(repository, 5)];

      const put = (manifest: string) => () =>
        call('PutImage', { repositoryName: repository, imageManifest: manifest, imageTag: 'v1' });
      const answers = await race(put(first.manifest), put(second.manifest), delay);
      const stored = answers.filter((answer) => answer.status === 200);
      expect(stored).toHaveLength(1);
      const refused = answers.find((answer) => answer.status !== 200);
      expect(refused?.json.__type).toBe('ImageTagAlreadyExistsException');
      const got = await call('BatchGetImage', { repositoryName: repository, imageIds: [{ imageTag: 'v1' }] });
      expect(got.json.images[0].imageId.imageDigest).toBe(stored[0]?.json.image.imageId.imageDigest);
      expect(got.json.images[0].imageManifest).toBe(
        answers[0] === stored[0] ? first.manifest : second.manifest,
      );
      await expectBucketMatchesCatalog();
    },
  );

  it.each(STAGGERS_MS)(
    'a blob DELETE against a mount of it (second at %i ms): mounted and kept, or not mounted',
    async (delay) => {
      const auth = await basicAuth();
      const [source, target] = [repositoryName('race-mount-a'), repositoryName('race-mount-b')];
      await createRepository(source);
      await createRepository(target);
      const blob = await pushLayer(source, randomBytes(40_000, 6));

      const [deleted, mounted] = await race(
        () => oci(`/v2/${source}/blobs/${blob.digest}`, { method: 'DELETE', auth }),
        () =>
          oci(`/v2/${target}/blobs/uploads/?mount=${blob.digest}&from=${source}`, { method: 'POST', auth }),
        delay,
      );
      expect(deleted.status).toBe(202);
      expect(await readBlob(source, blob, auth)).toBe(404);
      if (mounted.status === 201) {
        // The mount came first: the target holds the one copy, byte for byte, after the source's link went.
        expect(await readBlob(target, blob, auth)).toEqual(blob.bytes);
      } else {
        // The deletion came first: the spec's fallback, an upload session opened instead, and no link.
        expect(mounted.status).toBe(202);
        expect(await readBlob(target, blob, auth)).toBe(404);
      }
      await expectBucketMatchesCatalog();
    },
  );
});
