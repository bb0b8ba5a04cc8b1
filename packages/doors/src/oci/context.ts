import { CONTENT_DIGEST_HEADER } from '@edgecr/protocol';
import type { RegistryService } from '@edgecr/registry';
import type { Caller } from '../auth/access.ts';
import type { Endpoint } from '../endpoint.ts';
import type { Settings } from '../settings.ts';

/** One authenticated request on the OCI door. */
export interface OciRequest {
  request: Request;
  url: URL;
  endpoint: Endpoint;
  settings: Settings;
  /** The caller's key; none for an anonymous caller. */
  caller: Caller;
  /** The registry the request acts on: the key's own, or the public one for an anonymous caller. */
  registry: RegistryService;
}

/**
 * The 201 of something stored under its digest (a blob, a manifest): where it is now, and its digest.
 * @example
 * return created(`/v2/${name}/blobs/${digest}`, digest);
 */
export function created(location: string, digest: string, headers: Record<string, string> = {}): Response {
  return new Response(null, {
    status: 201,
    headers: { location, [CONTENT_DIGEST_HEADER]: digest, 'content-length': '0', ...headers },
  });
}
