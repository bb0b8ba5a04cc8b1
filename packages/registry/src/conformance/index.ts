// The conformance suite: what every adapter (memory, R2 + Durable Objects, any later one) must pass. It runs
// under Vitest; an adapter's tests call `runConformance` with factories for its stores and its hosting.
import { blobDeletesSuite } from './blobDeletes.ts';
import { blobStoreSuite } from './blobStore.ts';
import { catalogSuite } from './catalog.ts';
import type { ConformanceFactories } from './fixtures.ts';
import { imagesSuite } from './images.ts';
import { lifecycleSuite } from './lifecycle.ts';
import { mountsSuite } from './mounts.ts';
import { policiesSuite } from './policies.ts';
import { sha512Suite } from './sha512.ts';
import { storesSuite } from './stores.ts';
import { tagsSuite } from './tags.ts';
import { templatesSuite } from './templates.ts';
import { uploadsSuite } from './uploads.ts';

export type { ConformanceFactories, RegistryFixture } from './fixtures.ts';

/**
 * Registers the whole suite: the BlobStore, UploadStore and CatalogStore contracts, then the registry's rules
 * through a hosting on the adapters.
 * @example
 * runConformance({ blobStore: () => new MemoryBlobStore(), withUploadStore: (fn) => fn(new MemoryUploadStore()), … });
 */
export function runConformance(factories: ConformanceFactories): void {
  blobStoreSuite(factories);
  storesSuite(factories);
  catalogSuite(factories);
  tagsSuite(factories);
  uploadsSuite(factories);
  imagesSuite(factories);
  sha512Suite(factories);
  blobDeletesSuite(factories);
  mountsSuite(factories);
  lifecycleSuite(factories);
  templatesSuite(factories);
  policiesSuite(factories);
}
