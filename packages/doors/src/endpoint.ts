import { type BlobStore, type RegistryHosting, RegistryService } from '@edgecr/registry';
import type { BodyStreams } from './body/bodyStreams.ts';
import type { EdgeCache } from './edgeCache.ts';
import { pullHosting } from './pullHosting.ts';
import type { PullMemo } from './pullMemo.ts';
import type { Settings } from './settings.ts';

/**
 * Where the doors run: what hosts the registry's rules, where blob bytes are read from, how request bodies
 * are read, and the operator's settings. The Worker builds one from its bindings (R2, the Durable Objects,
 * workerd's streams); a test builds one on the memory host.
 */
export interface Endpoint {
  hosting: RegistryHosting;
  /** Where blob bytes are read from (the same store the uploads write to). */
  blobs: BlobStore;
  bodies: BodyStreams;
  settings: Settings;
  /**
   * The answers of pulls this isolate keeps (one for the isolate's life, not one per request); without it every
   * pull asks the Registry object.
   */
  pulls?: PullMemo;
  /**
   * Where blob bytes, and for a bounded time the facts of pulls, are kept at the edge; without it every blob
   * read goes to the blob store.
   */
  edge?: EdgeCache;
  /**
   * Runs work after the answer is sent (the Worker's adapter keeps the request alive for it): the recording of pulls.
   * Without it the work runs on its own, unawaited.
   */
  defer?: (work: Promise<unknown>) => void;
}

/**
 * The registry service of one registry on this endpoint.
 * @example
 * const registry = registryService(endpoint, key.registryId);
 */
export function registryService(endpoint: Endpoint, registryId: string): RegistryService {
  const { settings } = endpoint;
  const hosting = pullHosting(endpoint.hosting, {
    memo: endpoint.pulls,
    edge: endpoint.edge,
    settings,
    defer: endpoint.defer ?? (() => {}),
  });
  return new RegistryService(registryId, hosting, {
    partSize: settings.partSize,
    uploadTtlSeconds: settings.uploadTtlSeconds,
  });
}
