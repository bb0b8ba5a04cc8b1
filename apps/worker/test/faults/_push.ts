// Pushes through the real push engine (@edgecr/client) into the fault-injected Worker, and reads images back.
import { env, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import {
  EcrClient,
  fetchTransport,
  type HttpTransport,
  type ImagePushResult,
  pushImage,
  type RetryPolicy,
} from '@edgecr/client';
import type { ArchiveBlob, ArchiveImage } from '@edgecr/image-archive';
import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST } from '@edgecr/protocol';
import { expect } from 'vitest';
import type { LayerUpload } from '../../src/hosts/layerUpload.ts';
import { KEYS, ORIGIN, randomBytes, sha256Digest } from '../integration/_api.ts';
import { basicAuth, oci } from '../integration/_oci.ts';
import { REGISTRY_ID } from '../integration/_races.ts';

/** An answer the Worker gave other than 2xx. */
export interface FailedAnswer {
  status: number;
  body: string;
}

/** The engine's own retries, without its waits: a fault costs a retry, not seconds. */
const QUICK_RETRIES: RetryPolicy = {
  delaysMs: [0, 5, 10, 20, 40, 80, 160, 320],
  jitter: 0,
  retryStatuses: [408, 429],
  requestTimeoutMs: 60_000,
};

function blobOf(
  kind: ArchiveBlob['kind'],
  mediaType: string,
  bytes: Uint8Array,
  digest: string,
): ArchiveBlob {
  const blob = new Blob([bytes]);
  return { kind, digest, size: bytes.length, mediaType, blob, open: () => blob.stream() };
}

/** An image of one layer of `layerSize` bytes and its config, distinct per `seed`, tagged `tag`. */
export async function testImage(seed: number, layerSize: number, tag = 'v1'): Promise<ArchiveImage> {
  const layerBytes = randomBytes(layerSize, seed);
  const configBytes = new TextEncoder().encode(`{"architecture":"amd64","os":"linux","seed":${seed}}`);
  const layer = blobOf('layer', DOCKER_LAYER_TAR_GZIP, layerBytes, await sha256Digest(layerBytes));
  const config = blobOf('config', DOCKER_CONFIG, configBytes, await sha256Digest(configBytes));
  const manifestBytes = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, digest: config.digest, size: config.size },
      layers: [{ mediaType: DOCKER_LAYER_TAR_GZIP, digest: layer.digest, size: layer.size }],
    }),
  );
  const digest = await sha256Digest(manifestBytes);
  const manifest = blobOf('manifest', DOCKER_MANIFEST, manifestBytes, digest);
  return {
    references: [`seed-${seed}:${tag}`],
    tags: [tag],
    manifest: { mediaType: DOCKER_MANIFEST, digest, size: manifestBytes.length, bytes: manifestBytes },
    blobs: [layer, config, manifest],
  };
}

/** A transport on the Worker's fetch that notes every answer other than 2xx. */
function recordingTransport(failed: FailedAnswer[]): HttpTransport {
  const transport = fetchTransport((input, init) => SELF.fetch(input as string, init));
  return async (request) => {
    const response = await transport(request);
    if (response.status >= 300) failed.push({ status: response.status, body: response.text });
    return response;
  };
}

/** Pushes `image` to `repository` with the push engine, as the CLI does; `failed` gets its non-2xx answers. */
export function pushWithEngine(
  image: ArchiveImage,
  repositoryName: string,
  failed: FailedAnswer[],
): Promise<ImagePushResult> {
  const api = new EcrClient({
    endpoint: ORIGIN,
    region: 'us-east-1',
    credentials: KEYS.admin,
    transport: recordingTransport(failed),
  });
  return pushImage(image, {
    api,
    repositoryName,
    scope: { endpoint: ORIGIN, registryId: REGISTRY_ID },
    retryPolicy: QUICK_RETRIES,
  });
}

/**
 * What a retry may be told once the attempt before it landed and lost its answer: the upload is complete
 * (gone), the layer or image is there, the part was received. The engine takes each as done.
 */
const ALREADY_DONE = [
  'UploadNotFoundException',
  'LayerAlreadyExistsException',
  'InvalidLayerPartException',
  'ImageAlreadyExistsException',
];

/**
 * The faults were answered as ServerException (500, retryable), at least once; any other failed answer was a
 * retry's, told that what it asked for was already done.
 */
export function expectServerExceptions(failed: FailedAnswer[]): void {
  const answers = failed.map((answer) => ({ status: answer.status, type: JSON.parse(answer.body).__type }));
  expect(answers).toContainEqual({ status: 500, type: 'ServerException' });
  for (const answer of answers) {
    if (answer.status >= 500) expect(answer).toEqual({ status: 500, type: 'ServerException' });
    else expect(ALREADY_DONE).toContain(answer.type);
  }
}

/**
 * Every upload object of this test that still holds an upload is expired (its deadline moved to the past, its
 * alarm run): what an upload a fault cut short still holds goes, and nothing the catalog holds.
 */
export async function expireUploads(): Promise<void> {
  for (const id of await listDurableObjectIds(env.UPLOADS)) {
    const stub = env.UPLOADS.get(id);
    const open = await runInDurableObject(
      stub,
      (_instance: LayerUpload, state) =>
        state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'upload'").toArray().length > 0,
    );
    // A finished upload keeps nothing, not even its table.
    if (!open) continue;
    await runInDurableObject(stub, (_instance: LayerUpload, state) => {
      state.storage.sql.exec(`UPDATE upload SET state = json_set(state, '$.expiresAt', 0)`);
    });
    await runDurableObjectAlarm(stub);
  }
}

/** What a pull serves, summed up as its digest: comparing 10 MiB byte by byte in `expect` costs too much. */
async function servedDigest(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return sha256Digest(new Uint8Array(await response.arrayBuffer()));
}

/** `image` read back through /v2/ by its tag: the manifest, its config and layers, byte for byte. */
export async function expectImageReadBack(repository: string, image: ArchiveImage): Promise<void> {
  const auth = await basicAuth();
  const manifest = await oci(`/v2/${repository}/manifests/${image.tags[0]}`, {
    auth,
    headers: { accept: image.manifest.mediaType },
  });
  expect(await servedDigest(manifest)).toBe(image.manifest.digest);
  for (const blob of image.blobs.filter((b) => b.kind !== 'manifest')) {
    expect(await servedDigest(await oci(`/v2/${repository}/blobs/${blob.digest}`, { auth }))).toBe(
      blob.digest,
    );
  }
}
