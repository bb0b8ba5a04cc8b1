import type { Settings } from './config.ts';
import type { AccessKey } from './credentials.ts';
import type { Registry } from './registry.ts';

/** What every operation handler gets: the bindings, the settings, the caller and its registry's catalog. */
export interface OperationContext {
  env: Env;
  settings: Settings;
  /** The authenticated caller's key. */
  key: AccessKey;
  /** The registry the request acts on: the key's. */
  registryId: string;
  registry: DurableObjectStub<Registry>;
  /** The origin the request came to, for download URLs and repository URIs. */
  origin: string;
}
