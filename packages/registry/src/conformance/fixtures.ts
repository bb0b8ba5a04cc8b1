import { DOCKER_CONFIG, DOCKER_LAYER_TAR_GZIP, DOCKER_MANIFEST, streamOf } from '@edgecr/protocol';
import type { BlobStore } from '../ports/blobStore.ts';
import type { CatalogStore } from '../ports/catalogStore.ts';
import type { UploadStore } from '../ports/uploadStore.ts';
import type { RegistryService } from '../service.ts';
import type { UploadProgress } from '../uploads/layerUploadRules.ts';

/** A whole registry on the adapters under test, as one host serves it. */
export interface RegistryFixture {
  /** The registry service of a registry (each test names a fresh one). */
  registry(registryId: string): RegistryService;
  /** The store layer bytes go to. */
  blobs: BlobStore;
  /** The size of every BlobStore part but the last, as the host announces it. */
  partSize: number;
  /** An upload's progress, or null once it is gone. */
  inspect(uploadId: string): Promise<UploadProgress | null>;
  /** Moves the upload's deadline into the past and runs its wake-up, as its host's timer would. */
  expire(uploadId: string): Promise<void>;
  /** How long an unreferenced layer stays before the sweep reclaims it, as the host is set up. */
  graceSeconds: number;
  /** How often a lifecycle policy runs, as the host is set up. */
  lifecycleIntervalSeconds: number;
  /**
   * Makes everything the registry's catalog timed `seconds` older (as if that much time had passed), then
   * runs the catalog's wake-up (the sweep, lifecycle policies), as its host's timer would once due.
   */
  age(registryId: string, seconds: number): Promise<void>;
}

/** How the conformance suite gets fresh adapters. Stores that live inside a host are lent to a callback. */
export interface ConformanceFactories {
  /** A BlobStore (shared between tests is fine: every test uses fresh keys). */
  blobStore(): BlobStore | Promise<BlobStore>;
  /** Runs `fn` with an empty UploadStore, inside whatever context the store needs. */
  withUploadStore<T>(fn: (store: UploadStore) => Promise<T>): Promise<T>;
  /** Runs `fn` with an empty CatalogStore, inside whatever context the store needs. */
  withCatalogStore<T>(fn: (store: CatalogStore) => Promise<T>): Promise<T>;
  /** The registry hosted on the adapters. */
  registry(): RegistryFixture | Promise<RegistryFixture>;
}

export { sha256Digest, streamOf } from '@edgecr/protocol';

/** Reads a stream to its end. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A fresh 12-digit registry id, so tests on a shared host never see each other's state. */
export function freshRegistryId(): string {
  return String(Math.floor(Math.random() * 9e11) + 1e11);
}

/** Uploads `bytes` as one layer of the repository; returns its digest and size. */
export async function pushBlob(registry: RegistryService, repositoryName: string, bytes: Uint8Array) {
  const { uploadId } = await registry.initiateLayerUpload(repositoryName);
  const ref = { repositoryName, uploadId };
  await registry.uploadLayerPart(ref, { first: 0, last: bytes.length - 1 }, streamOf(bytes));
  return { digest: await registry.completeLayerUpload(ref, []), size: bytes.length };
}

/** A lifecycle policy keeping the newest `count` images whatever their tags (over ECR's 100-character minimum). */
export function keepNewest(count: number): string {
  const selection = { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: count };
  return JSON.stringify({
    rules: [
      { rulePriority: 1, description: `keep the newest ${count}`, selection, action: { type: 'expire' } },
    ],
  });
}

/** A Docker schema 2 manifest over a config and layers, as docker push writes it. */
export function dockerManifest(
  config: { digest: string; size: number },
  layers: { digest: string; size: number }[],
) {
  return JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, ...config },
      layers: layers.map((layer) => ({ mediaType: DOCKER_LAYER_TAR_GZIP, ...layer })),
    },
    null,
    3,
  );
}
