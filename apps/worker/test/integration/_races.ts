// What the race tests share: pushes, aging links, expiring uploads, and the bucket-against-catalog check.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST } from '@edgecr/protocol';
import { expect } from 'vitest';
import type { LayerUpload } from '../../src/hosts/layerUpload.ts';
import type { Registry } from '../../src/hosts/registry.ts';
import { call, randomBytes, sha256Digest, uploadInParts } from './_api.ts';

/** The registry the admin key works in (vitest.config.ts). */
export const REGISTRY_ID = '123456789012';
/** How long an unreferenced link lives before the sweep drops it (wrangler.jsonc). */
export const GRACE_SECONDS = Number(env.UNREFERENCED_LAYER_GRACE_SECONDS);

/** The Registry Durable Object of the admin key's registry. */
export const registryObject = () => env.REGISTRY.get(env.REGISTRY.idFromName(REGISTRY_ID));
/** The LayerUpload Durable Object of one upload. */
export const uploadObject = (uploadId: string) => env.UPLOADS.get(env.UPLOADS.idFromName(uploadId));

/** A pushed blob: its digest, size and bytes. */
export interface PushedBlob {
  digest: string;
  size: number;
  bytes: Uint8Array;
}

/** Uploads `bytes` through the ECR door (one part) and completes it. */
export async function pushLayer(repository: string, bytes: Uint8Array): Promise<PushedBlob> {
  const uploadId = await uploadInParts(repository, bytes, []);
  const digest = await sha256Digest(bytes);
  const { status, json } = await call('CompleteLayerUpload', {
    repositoryName: repository,
    uploadId,
    layerDigests: [digest],
  });
  if (status !== 200) throw new Error(`CompleteLayerUpload failed: ${JSON.stringify(json)}`);
  return { digest, size: bytes.length, bytes };
}

/** A config and a layer pushed to `repository`, and the Docker manifest naming them (not yet put). */
export async function pushImageBlobs(repository: string, seed: number) {
  const layer = await pushLayer(repository, randomBytes(20_000, seed));
  const config = await pushLayer(
    repository,
    new TextEncoder().encode(`{"architecture":"amd64","os":"linux","seed":${seed}}`),
  );
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, digest: config.digest, size: config.size },
    layers: [{ mediaType: DOCKER_LAYER_TAR_GZIP, digest: layer.digest, size: layer.size }],
  });
  return { layer, config, manifest };
}

/** Makes the links of `repository` older than the grace period, without firing the sweep. */
export async function ageLinks(repository: string): Promise<void> {
  await runInDurableObject(registryObject(), (_instance: Registry, state) => {
    state.storage.sql.exec(
      'UPDATE repository_layer SET linked_at = linked_at - ? WHERE repository = ?',
      (GRACE_SECONDS + 60) * 1000,
      repository,
    );
  });
}

/** Moves the upload's deadline into the past (its TTL is a day), then fires its alarm. */
export async function expireUpload(uploadId: string): Promise<void> {
  const stub = uploadObject(uploadId);
  await runInDurableObject(stub, (_instance: LayerUpload, state) => {
    state.storage.sql.exec(`UPDATE upload SET state = json_set(state, '$.expiresAt', 0)`);
  });
  await runDurableObjectAlarm(stub);
}

/** Every key in the bucket. */
async function bucketKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await env.LAYERS.list({ ...(cursor && { cursor }) });
    for (const object of page.objects) keys.add(object.key);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

/**
 * No orphan, no lost byte: once the catalog's alarm has run its queued object deletions, the bucket holds
 * exactly the objects the catalog's blobs name, each of its recorded size. The whole bucket is this test's:
 * the vitest plugin isolates storage per test.
 */
export async function expectBucketMatchesCatalog(): Promise<void> {
  await runDurableObjectAlarm(registryObject());
  const blobs = await runInDurableObject(registryObject(), (_instance: Registry, state) => [
    ...state.storage.sql.exec<{ object_key: string; size: number }>('SELECT object_key, size FROM blob'),
  ]);
  const keys = await bucketKeys();
  expect([...keys].sort()).toEqual(blobs.map((blob) => blob.object_key).sort());
  for (const blob of blobs) expect((await env.LAYERS.head(blob.object_key))?.size).toBe(blob.size);
}

/** When the second request of a race starts after the first, in ms: before it, together, a little after. */
export const STAGGERS_MS = [-15, -3, 0, 3, 15];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `first` and `second` with the second started `delayMs` after the first (before it when negative). */
export function race<A, B>(
  first: () => Promise<A>,
  second: () => Promise<B>,
  delayMs: number,
): Promise<[A, B]> {
  return Promise.all([sleep(Math.max(0, -delayMs)).then(first), sleep(Math.max(0, delayMs)).then(second)]);
}
