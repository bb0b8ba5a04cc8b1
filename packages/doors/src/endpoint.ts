import { type BlobStore, type RegistryHosting, RegistryService } from '@edgecr/registry';
import type { BodyStreams } from './body/bodyStreams.ts';
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
}

/**
 * The registry service of one registry on this endpoint.
 * @example
 * const registry = registryService(endpoint, key.registryId);
 */
export function registryService(endpoint: Endpoint, registryId: string): RegistryService {
  const { settings } = endpoint;
  return new RegistryService(registryId, endpoint.hosting, {
    partSize: settings.partSize,
    uploadTtlSeconds: settings.uploadTtlSeconds,
    createRepositoryOnPush: settings.createRepositoryOnPush,
  });
}
