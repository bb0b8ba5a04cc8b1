import type { Settings } from './config.ts';
import type { Registry } from './registry.ts';

/** What every operation handler gets: the bindings, the settings and the registry's catalog. */
export interface OperationContext {
  env: Env;
  settings: Settings;
  registry: DurableObjectStub<Registry>;
  /** The origin the request came to, for download URLs and repository URIs. */
  origin: string;
}
