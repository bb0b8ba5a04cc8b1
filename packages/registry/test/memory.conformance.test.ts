// The memory adapter against the conformance suite, in Node and in workerd.
import { MiB } from '@edgecr/protocol';
import { runConformance } from '../src/conformance/index.ts';
import {
  DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
  DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS,
  MemoryBlobStore,
  MemoryCatalogStore,
  MemoryHost,
  MemoryUploadStore,
} from '../src/index.ts';

const PART_SIZE = 10 * MiB;

runConformance({
  blobStore: () => new MemoryBlobStore(),
  withUploadStore: (fn) => fn(new MemoryUploadStore()),
  withCatalogStore: (fn) => fn(new MemoryCatalogStore()),
  registry() {
    let now = Date.now();
    const host = new MemoryHost({ now: () => now });
    return {
      registry: (registryId) => host.registry(registryId, { partSize: PART_SIZE, uploadTtlSeconds: 60 }),
      blobs: host.blobs,
      partSize: PART_SIZE,
      inspect: (uploadId) => host.upload(uploadId).inspect(),
      async expire() {
        now += 61_000;
        await host.runDueWakeUps();
      },
      graceSeconds: DEFAULT_UNREFERENCED_LAYER_GRACE_SECONDS,
      lifecycleIntervalSeconds: DEFAULT_LIFECYCLE_INTERVAL_SECONDS,
      async age(_registryId, seconds) {
        now += seconds * 1000;
        await host.runDueWakeUps();
      },
    };
  },
});
