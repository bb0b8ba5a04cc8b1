import type { RegistryService } from '@edgecr/registry';
import type { AccessKey } from '../auth/credentials.ts';
import type { Endpoint } from '../endpoint.ts';
import type { Settings } from '../settings.ts';

/** One authenticated request on the OCI door. */
export interface OciRequest {
  request: Request;
  url: URL;
  endpoint: Endpoint;
  settings: Settings;
  key: AccessKey;
  /** The caller's registry: a key acts on its own registry only. */
  registry: RegistryService;
}
