import { ResumableSha256 } from '@edgecr/chunker';
import { testLayerBytes } from '@edgecr/chunker/testing';
import { MiB } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { newRepositoryRecord } from '../catalog/records.ts';
import type { UploadRecord } from '../ports/uploadStore.ts';
import { ECR_PART_POLICY } from '../uploads/layerUploadRules.ts';
import { type ConformanceFactories, sha256Digest } from './fixtures.ts';

function record(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return {
    registryId: '123456789012',
    repositoryName: 'app',
    uploadId: 'u-1',
    objectKey: 'layers/u-1',
    partSize: 5 * MiB,
    policy: ECR_PART_POLICY,
    ttlSeconds: 60,
    expiresAt: 1_000,
    multipartId: null,
    received: 0,
    staged: 0,
    hash: new ResumableSha256().save(),
    lastPart: null,
    partTooSmall: false,
    phase: 'uploading',
    ...overrides,
  };
}

/** What the rules rely on of an UploadStore and a CatalogStore. */
export function storesSuite(factories: ConformanceFactories): void {
  describe('UploadStore', () => {
    it('holds nothing until written, then the record as written', async () => {
      await factories.withUploadStore(async (store) => {
        expect(await store.read()).toBeNull();
        expect(await store.parts()).toEqual([]);
        expect((await store.readStaged()).length).toBe(0);
        const written = record({ multipartId: 'm-1' });
        await store.write(written);
        expect(await store.read()).toEqual(written);
      });
    });

    it('commits a part: record, parts (a number written again replaced) and staged bytes together', async () => {
      await factories.withUploadStore(async (store) => {
        const staged = testLayerBytes(3 * MiB + 17, 8);
        await store.commitPart({
          record: record({ received: 11, staged: 3 }),
          parts: [
            { partNumber: 2, etag: 'b' },
            { partNumber: 1, etag: 'a' },
          ],
          staged: testLayerBytes(3),
        });
        await store.commitPart({
          record: record({ received: 8 * MiB, staged: staged.length }),
          parts: [{ partNumber: 2, etag: 'b2' }],
          staged,
        });
        expect(await store.read()).toMatchObject({ received: 8 * MiB, staged: staged.length });
        expect(await store.parts()).toEqual([
          { partNumber: 1, etag: 'a' },
          { partNumber: 2, etag: 'b2' },
        ]);
        expect(await sha256Digest(await store.readStaged())).toBe(await sha256Digest(staged));
      });
    });

    it('forgets everything when cleared', async () => {
      await factories.withUploadStore(async (store) => {
        await store.commitPart({
          record: record(),
          parts: [{ partNumber: 1, etag: 'a' }],
          staged: testLayerBytes(9),
        });
        await store.wakeAt(Date.now() + 3_600_000);
        await store.clear();
        expect(await store.read()).toBeNull();
        expect(await store.parts()).toEqual([]);
        expect((await store.readStaged()).length).toBe(0);
      });
    });
  });

  describe('CatalogStore', () => {
    const repo = (name: string) => newRepositoryRecord({ repositoryName: name }, new Date(0));
    const blob = (digest: string) => ({ digest, size: 10, objectKey: `layers/${digest}` });

    it('keeps repositories in name order and pages after a name', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => {
          for (const name of ['b', 'a/x', 'c', 'a']) t.insertRepository(repo(name));
        });
        const names = await store.transaction((t) =>
          t.repositoriesAfter('a', 2).map((r) => r.repositoryName),
        );
        expect(names).toEqual(['a/x', 'b']);
        expect(await store.transaction((t) => t.repository('c'))).toEqual(repo('c'));
        await store.transaction((t) => t.deleteRepository('c'));
        expect(await store.transaction((t) => t.repository('c'))).toBeNull();
      });
    });

    it('forgets the upstream checks of a deleted repository, and of no other', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => {
          for (const name of ['hub/app', 'hub/app/x']) {
            t.insertRepository(repo(name));
            t.putUpstreamCheck(name, 'v1', 7);
            t.putUpstreamCheck(name, 'v2', 8);
          }
        });
        await store.transaction((t) => t.deleteRepository('hub/app'));
        const checks = await store.transaction((t) =>
          ['hub/app', 'hub/app/x'].flatMap((name) => [
            t.upstreamCheck(name, 'v1'),
            t.upstreamCheck(name, 'v2'),
          ]),
        );
        expect(checks).toEqual([null, null, 7, 8]);
      });
    });

    it('links blobs to repositories and unlinks them all at once', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => {
          t.insertRepository(repo('a'));
          t.insertRepository(repo('b'));
          t.insertBlob(blob('d1'));
          t.insertBlob(blob('d2'));
          t.link('a', 'd1', 0);
          t.link('a', 'd2', 0);
          t.link('b', 'd1', 0);
        });
        const seen = await store.transaction((t) => ({
          linked: [t.linked('a', 'd2'), t.linked('b', 'd2')],
          holders: [t.holdersAfter('d1', '', 5), t.holdersAfter('d1', 'a', 5), t.holdersAfter('d1', '', 1)],
          unlinked: t.unlinkAll('a').sort(),
          held: [t.held('d1'), t.held('d2')],
          at: [t.blobAt('layers/d1'), t.blobAt('layers/none')],
        }));
        expect(seen).toEqual({
          linked: [true, false],
          holders: [['a', 'b'], ['b'], ['a']],
          unlinked: ['d1', 'd2'],
          held: [true, false],
          at: [true, false],
        });
        await store.transaction((t) => t.deleteBlob('d2'));
        expect(await store.transaction((t) => [t.blob('d1'), t.blob('d2')])).toEqual([blob('d1'), null]);
      });
    });

    it('queues object keys for deletion until they are forgotten', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => t.queueObjectDeletions(['layers/a', 'layers/b', 'layers/a']));
        expect((await store.transaction((t) => t.queuedObjectDeletions(10))).sort()).toEqual([
          'layers/a',
          'layers/b',
        ]);
        expect(await store.transaction((t) => t.queuedObjectDeletions(1))).toHaveLength(1);
        await store.transaction((t) => t.forgetObjectDeletions(['layers/a']));
        expect(await store.transaction((t) => t.queuedObjectDeletions(10))).toEqual(['layers/b']);
        expect(
          await store.transaction((t) =>
            ['layers/a', 'layers/b', 'layers/c'].map((k) => t.objectReleased(k)),
          ),
        ).toEqual([true, true, false]);
      });
    });

    it('rolls a transaction back when it throws', async () => {
      await factories.withCatalogStore(async (store) => {
        await store.transaction((t) => t.insertRepository(repo('kept')));
        await expect(
          store.transaction((t) => {
            t.insertRepository(repo('lost'));
            t.deleteRepository('kept');
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await store.transaction((t) => [t.repository('kept'), t.repository('lost')])).toEqual([
          repo('kept'),
          null,
        ]);
      });
    });
  });
}
