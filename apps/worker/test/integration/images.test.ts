// Images through the Worker's ECR door, and the catalog schema's migration, in workerd with real Durable
// Objects and R2.
import { env, runInDurableObject } from 'cloudflare:test';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST } from '@edgecr/protocol';
import { describe, expect, it } from 'vitest';
import { SqlCatalogStore } from '../../src/adapters/sqlCatalogStore.ts';
import {
  call,
  createRepository,
  KEYS,
  randomBytes,
  repositoryName,
  sha256Digest,
  uploadInParts,
} from './_api.ts';

/** Pushes bytes as a layer of the repository through the door. */
async function pushBlob(repository: string, bytes: Uint8Array) {
  const uploadId = await uploadInParts(repository, bytes, []);
  const digest = await sha256Digest(bytes);
  const { json } = await call('CompleteLayerUpload', {
    repositoryName: repository,
    uploadId,
    layerDigests: [digest],
  });
  expect(json.layerDigest).toBe(digest);
  return { digest, size: bytes.length };
}

describe('images through the ECR door', () => {
  it('pushes an image over uploaded blobs, gets it back byte for byte, and guards deletes by permission', async () => {
    const repository = repositoryName('team-a/img');
    await createRepository(repository);
    const layer = await pushBlob(repository, randomBytes(5000, 3));
    const config = await pushBlob(
      repository,
      new TextEncoder().encode('{"architecture":"amd64","os":"linux"}'),
    );
    const manifest = JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: DOCKER_CONFIG, ...config },
        layers: [{ mediaType: DOCKER_LAYER_TAR_GZIP, ...layer }],
      },
      null,
      3,
    );
    const digest = await sha256Digest(new TextEncoder().encode(manifest));
    const put = await call(
      'PutImage',
      { repositoryName: repository, imageManifest: manifest, imageTag: 'v1' },
      { credentials: KEYS.teamA },
    );
    expect(put.status).toBe(200);
    expect(put.json.image.imageId).toEqual({ imageDigest: digest, imageTag: 'v1' });
    const got = await call('BatchGetImage', {
      repositoryName: repository,
      imageIds: [{ imageDigest: digest }],
    });
    expect(got.json.images[0].imageManifest).toBe(manifest);
    expect(got.json.failures).toEqual([]);

    // Deleting images takes full access, as ECR's power-user policy leaves it out.
    const denied = await call(
      'BatchDeleteImage',
      { repositoryName: repository, imageIds: [{ imageTag: 'v1' }] },
      { credentials: KEYS.teamA },
    );
    expect(denied.json.__type).toBe('AccessDeniedException');
    const notEmpty = await call('DeleteRepository', { repositoryName: repository });
    expect(notEmpty.json.__type).toBe('RepositoryNotEmptyException');
    const deleted = await call('BatchDeleteImage', {
      repositoryName: repository,
      imageIds: [{ imageTag: 'v1' }],
    });
    expect(deleted.json).toEqual({ imageIds: [{ imageDigest: digest, imageTag: 'v1' }], failures: [] });
    expect((await call('DeleteRepository', { repositoryName: repository })).status).toBe(200);
  });

  it('answers a manifest over 4 MiB (the model allows 4,194,304 characters) and bad JSON as ECR does', async () => {
    const repository = repositoryName('big');
    await createRepository(repository);
    const bad = await call('PutImage', { repositoryName: repository, imageManifest: '{not json' });
    expect(bad.json).toMatchObject({
      __type: 'InvalidParameterException',
      message: "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    });
    const tooLong = await call('PutImage', {
      repositoryName: repository,
      imageManifest: 'x'.repeat(4_194_305),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.__type).toMatch(/ValidationException|InvalidParameterException/);
  });
});

describe('the catalog schema', () => {
  it('migrates links made before links had a time: kept, and timed as linked now', async () => {
    const stub = env.REGISTRY.get(env.REGISTRY.newUniqueId());
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec(`
        DROP TABLE IF EXISTS repository_layer;
        CREATE TABLE repository_layer (repository TEXT NOT NULL, digest TEXT NOT NULL REFERENCES blob (digest),
          PRIMARY KEY (repository, digest));
        INSERT INTO blob VALUES ('sha256:old', 3, 'layers/old');
        INSERT INTO repository_layer VALUES ('legacy', 'sha256:old');
      `);
      const before = Date.now();
      const store = new SqlCatalogStore(state.storage);
      const seen = await store.transaction((t) => ({
        linked: t.linked('legacy', 'sha256:old'),
        links: t.unreferencedLinks(5),
      }));
      expect(seen.linked).toBe(true);
      expect(seen.links).toHaveLength(1);
      expect(seen.links[0]?.linkedAt).toBeGreaterThanOrEqual(before);
    });
  });
});
