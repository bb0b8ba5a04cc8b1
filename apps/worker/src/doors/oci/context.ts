import type { RegistryService } from '@edgecr/registry';
import type { AccessKey } from '../../auth/credentials.ts';
import type { Settings } from '../../config.ts';

/** One authenticated request on the OCI door. */
export interface OciRequest {
  request: Request;
  url: URL;
  env: Env;
  settings: Settings;
  key: AccessKey;
  /** The caller's registry: a key acts on its own registry only. */
  registry: RegistryService;
}
