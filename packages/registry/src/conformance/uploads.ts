import { testLayerBytes } from '@edgecr/chunker/testing';
import { MAX_LAYER_BYTES, MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { layerObjectKey } from '../uploads/layerUploadRules.ts';
import {
  type ConformanceFactories,
  freshRegistryId,
  type RegistryFixture,
  readAll,
  sha256Digest,
  streamOf,
} from './fixtures.ts';

/** A fresh registry with one repository, and helpers to upload into it. */
async function started(factories: ConformanceFactories) {
  const fixture: RegistryFixture = await factories.registry();
  const registryId = freshRegistryId();
  const registry = fixture.registry(registryId);
  const repositoryName = `app-${crypto.randomUUID().slice(0, 8)}`;
  await registry.catalog.createRepository({ repositoryName });
  const { uploadId, partSize } = await registry.initiateLayerUpload(repositoryName);
  const ref = { repositoryName, uploadId };
  const send = (first: number, bytes: Uint8Array, last = first + bytes.length - 1, chunk?: number) =>
    registry.uploadLayerPart(ref, { first, last }, streamOf(bytes, chunk));
  /** Sends `bytes` in parts of the given sizes, the last part taking the rest. */
  const sendAll = async (bytes: Uint8Array, sizes: number[], chunk?: number) => {
    let offset = 0;
    for (let i = 0; offset < bytes.length; i++) {
      const size = sizes[i] ?? bytes.length - offset;
      const part = bytes.subarray(offset, Math.min(offset + size, bytes.length));
      expect(await send(offset, part, undefined, chunk)).toBe(offset + part.length - 1);
      offset += part.length;
    }
  };
  const complete = (digests: string[], upload = ref) => registry.completeLayerUpload(upload, digests);
  return { fixture, registry, registryId, repositoryName, uploadId, partSize, ref, send, sendAll, complete };
}

/** The rules of layer uploads, through the registry service. */
export function uploadsSuite(factories: ConformanceFactories): void {
  describe('layer uploads', () => {
    it('lays odd client parts out into equal parts, completes in O(1) and stores the exact bytes', async () => {
      const t = await started(factories);
      const total = 7 * MiB + 5.5 * MiB + 2 * t.partSize + 3;
      const layer = testLayerBytes(total, 7);
      const digest = await sha256Digest(layer);
      expect(t.partSize).toBe(t.fixture.partSize);
      // Odd chunk sizes: parts straddle chunks and chunks straddle parts.
      await t.sendAll(layer, [7 * MiB, 5.5 * MiB, 2 * t.partSize], 333_333);
      expect(await t.fixture.inspect(t.uploadId)).toEqual({
        received: total,
        staged: total % t.partSize,
        blobParts: Math.floor(total / t.partSize),
        phase: 'uploading',
      });
      expect(await t.complete([digest])).toBe(digest);
      expect(await t.fixture.inspect(t.uploadId)).toBeNull();
      const layerRecord = await t.registry.catalog.findLayer(t.repositoryName, digest);
      expect(layerRecord).toMatchObject({ digest, size: total });
      const stored = await t.fixture.blobs.get(layerRecord?.objectKey as string);
      expect(await sha256Digest(await readAll(stored?.body as ReadableStream<Uint8Array>))).toBe(digest);
      // ~33 MiB through the upload rules in workerd takes 35-55 s on two loaded cores: more than the default.
    }, 180_000);

    it('stores a layer smaller than one part in one write', async () => {
      const t = await started(factories);
      const layer = testLayerBytes(3, 2);
      await t.sendAll(layer, []);
      const digest = await t.complete([await sha256Digest(layer)]);
      expect(await t.registry.catalog.checkLayers(t.repositoryName, [digest])).toMatchObject({
        layers: [{ layerDigest: digest, layerSize: 3 }],
      });
    });

    it('refuses a part that does not start after the last valid byte, saying where to resume', async () => {
      const t = await started(factories);
      expect(await t.send(0, testLayerBytes(100))).toBe(99);
      await expect(t.send(150, testLayerBytes(10))).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
        message: 'The part must start at byte 100, the one after the last valid byte received',
        fields: {
          registryId: t.registryId,
          repositoryName: t.repositoryName,
          uploadId: t.uploadId,
          lastValidByteReceived: 99,
        },
      });
    });

    it('refuses a blob shorter or longer than its range, and a range that ends before it starts', async () => {
      const t = await started(factories);
      await expect(t.send(0, testLayerBytes(10), 20)).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
        message: 'The layer part blob has 10 bytes but bytes 0 to 20 are 21 bytes',
        fields: { lastValidByteReceived: -1 },
      });
      await expect(t.send(0, testLayerBytes(30), 20)).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
      });
      await expect(t.send(5, testLayerBytes(0), 4)).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
        message: "The part's last byte 4 is before its first byte 5",
      });
      expect(await t.fixture.inspect(t.uploadId)).toMatchObject({ received: 0 });
    });

    it('accepts the last part again after a lost answer, and refuses other bytes for its range', async () => {
      const t = await started(factories);
      const part = testLayerBytes(6 * MiB, 3);
      expect(await t.send(0, part)).toBe(6 * MiB - 1);
      expect(await t.send(0, part)).toBe(6 * MiB - 1);
      await expect(t.send(0, testLayerBytes(6 * MiB, 4))).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
        message: `Bytes 0 to ${6 * MiB - 1} were already received with different content`,
        fields: { lastValidByteReceived: 6 * MiB - 1 },
      });
      expect(await t.complete([await sha256Digest(part)])).toBe(await sha256Digest(part));
    });

    it('commits nothing of a part whose stream ends short, as a door abandons a bad request', async () => {
      const t = await started(factories);
      const part = testLayerBytes(12 * MiB, 5);
      // Every byte but the last chunk, the way a door holds back the last chunk of a request it refuses.
      const short = streamOf(part.subarray(0, 11 * MiB));
      await expect(
        t.registry.uploadLayerPart(t.ref, { first: 0, last: part.length - 1 }, short),
      ).rejects.toMatchObject({
        code: 'InvalidLayerPartException',
        fields: { lastValidByteReceived: -1 },
      });
      expect(await t.fixture.inspect(t.uploadId)).toMatchObject({ received: 0, staged: 0 });
      expect(await t.send(0, part)).toBe(part.length - 1);
      expect(await t.complete([await sha256Digest(part)])).toBe(await sha256Digest(part));
    });

    it('keeps one consistent upload when two different parts for the same range race', async () => {
      const t = await started(factories);
      const a = testLayerBytes(6 * MiB, 10);
      const b = testLayerBytes(6 * MiB, 11);
      const results = await Promise.allSettled([t.send(0, a), t.send(0, b)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const winner = results[0]?.status === 'fulfilled' ? a : b;
      expect(await t.complete([await sha256Digest(winner)])).toBe(await sha256Digest(winner));
    });

    it('refuses a part that would make the layer larger than ECR allows', async () => {
      const t = await started(factories);
      await expect(t.send(0, new Uint8Array(0), MAX_LAYER_BYTES)).rejects.toMatchObject({
        code: 'LimitExceededException',
      });
    });

    it('answers an unknown upload, or one of another repository, with UploadNotFoundException', async () => {
      const t = await started(factories);
      const unknown = { repositoryName: t.repositoryName, uploadId: crypto.randomUUID() };
      await expect(
        t.registry.uploadLayerPart(unknown, { first: 0, last: 0 }, streamOf(testLayerBytes(1))),
      ).rejects.toMatchObject({
        code: 'UploadNotFoundException',
        message: `Upload with id '${unknown.uploadId}' is not found in repository with name '${t.repositoryName}' in registry with id '${t.registryId}'`,
      });
      await t.registry.catalog.createRepository({ repositoryName: `${t.repositoryName}-other` });
      const other = { repositoryName: `${t.repositoryName}-other`, uploadId: t.uploadId };
      await expect(t.complete([], other)).rejects.toMatchObject({ code: 'UploadNotFoundException' });
    });

    it('refuses to complete an upload with no parts, in ECR words', async () => {
      const t = await started(factories);
      await expect(t.complete([`sha256:${'0'.repeat(64)}`])).rejects.toMatchObject({
        code: 'EmptyUploadException',
        message: `The upload with id '${t.uploadId}' in the repository with name '${t.repositoryName}' in registry with id '${t.registryId}' cannot be completed because it does not have any parts`,
      });
    });

    it('refuses to complete when a part under 5 MiB was not the last', async () => {
      const t = await started(factories);
      const layer = testLayerBytes(3 * MiB);
      await t.sendAll(layer, [MiB, MiB]);
      await expect(t.complete([await sha256Digest(layer)])).rejects.toMatchObject({
        code: 'LayerPartTooSmallException',
        message: 'All layer parts except the last part should be at least 5MB',
      });
    });

    it('checks every sha256 digest given, passes over other algorithms and keeps the upload on a mismatch', async () => {
      const t = await started(factories);
      const layer = testLayerBytes(5000);
      const digest = await sha256Digest(layer);
      await t.sendAll(layer, []);
      const wrong = `sha256:${'a'.repeat(64)}`;
      await expect(t.complete([digest, wrong])).rejects.toMatchObject({
        code: 'InvalidLayerException',
        message: `The layer digest '${wrong}' does not match the computed digest '${digest}'`,
      });
      const upper = `sha256:${digest.slice(7).toUpperCase()}`;
      expect(await t.complete([`sha512:${'a'.repeat(128)}`, upper])).toBe(digest);
      await expect(t.complete([digest])).rejects.toMatchObject({ code: 'UploadNotFoundException' });
    });

    it('answers a layer the repository already has with LayerAlreadyExistsException and keeps one copy', async () => {
      const t = await started(factories);
      const layer = testLayerBytes(2000, 9);
      const digest = await sha256Digest(layer);
      await t.sendAll(layer, []);
      await t.complete([digest]);
      const again = {
        repositoryName: t.repositoryName,
        ...(await t.registry.initiateLayerUpload(t.repositoryName)),
      };
      await t.registry.uploadLayerPart(again, { first: 0, last: layer.length - 1 }, streamOf(layer));
      await expect(t.registry.completeLayerUpload(again, [digest])).rejects.toMatchObject({
        code: 'LayerAlreadyExistsException',
        message: `Layer with digest '${digest}' already exists in the repository with name '${t.repositoryName}' in registry with id '${t.registryId}'`,
      });
      expect(await t.fixture.inspect(again.uploadId)).toBeNull();
      expect(await t.fixture.blobs.head(layerObjectKey(again.uploadId))).toBeNull();
    });

    it('stores one copy of a layer two repositories hold, deleting it only with the last of them', async () => {
      const t = await started(factories);
      const second = `${t.repositoryName}-b`;
      await t.registry.catalog.createRepository({ repositoryName: second });
      const layer = testLayerBytes(12 * MiB, 42);
      const digest = await sha256Digest(layer);
      await t.sendAll(layer, [6 * MiB]);
      await t.complete([digest]);
      const other = { repositoryName: second, ...(await t.registry.initiateLayerUpload(second)) };
      await t.registry.uploadLayerPart(other, { first: 0, last: layer.length - 1 }, streamOf(layer));
      expect(await t.registry.completeLayerUpload(other, [digest])).toBe(digest);
      const kept = await t.registry.catalog.findLayer(second, digest);
      expect(kept?.objectKey).toBe(layerObjectKey(t.uploadId));
      expect(await t.fixture.blobs.head(layerObjectKey(other.uploadId))).toBeNull();

      await t.registry.catalog.deleteRepository(t.repositoryName);
      expect(await t.fixture.blobs.head(kept?.objectKey as string)).toEqual({ size: layer.length });
      await t.registry.catalog.deleteRepository(second);
      expect(await t.fixture.blobs.head(kept?.objectKey as string)).toBeNull();
    });

    it('expires an abandoned upload: its parts and staged bytes are gone', async () => {
      const t = await started(factories);
      const layer = testLayerBytes(12 * MiB);
      await t.sendAll(layer, [12 * MiB]);
      expect(await t.fixture.inspect(t.uploadId)).toMatchObject({ blobParts: 1 });
      await t.fixture.expire(t.uploadId);
      expect(await t.fixture.inspect(t.uploadId)).toBeNull();
      await expect(t.complete([await sha256Digest(layer)])).rejects.toMatchObject({
        code: 'UploadNotFoundException',
      });
    });
  });
}
