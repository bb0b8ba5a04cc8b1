import {
  DISTRIBUTION_API_VERSION,
  DISTRIBUTION_API_VERSION_HEADER,
  EcrError,
  OciError,
  type OciRoute,
  type OciSubject,
  ociErrorFromEcr,
  ociErrorResponse,
  parseOciRoute,
} from '@edgecr/protocol';
import { type Endpoint, registryService } from '../endpoint.ts';
import { ociCaller, permit } from './auth.ts';
import { deleteBlob, serveBlob } from './blobs.ts';
import type { OciRequest } from './context.ts';
import { listCatalog, listTags } from './listing.ts';
import { deleteManifest, getManifest, putManifest } from './manifests.ts';
import { listReferrers } from './referrers.ts';
import { continueUpload, startUpload } from './uploads.ts';

/** Where the OCI Distribution API lives. */
export const OCI_PATH_PREFIX = '/v2';

function methodNotAllowed(method: string, path: string): OciError {
  return new OciError('UNSUPPORTED', `${method} is not supported at ${path}`);
}

/** What an error on a route is about, for the ECR codes whose OCI code depends on it. */
function subjectOf(route: OciRoute | undefined): OciSubject {
  if (route?.type === 'manifest') return 'manifest';
  return route?.type === 'upload' || route?.type === 'uploads' ? 'upload' : 'blob';
}

async function serve(call: OciRequest, route: OciRoute): Promise<Response> {
  const { method } = call.request;
  const read = method === 'GET' || method === 'HEAD';
  switch (route.type) {
    case 'base':
      if (!read) throw methodNotAllowed(method, call.url.pathname);
      await permit(call, 'GetAuthorizationToken');
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    case 'blob':
      if (read) return await serveBlob(call, route.name, route.digest);
      if (method === 'DELETE') return await deleteBlob(call, route.name, route.digest);
      throw methodNotAllowed(method, call.url.pathname);
    case 'catalog':
      if (!read) throw methodNotAllowed(method, call.url.pathname);
      return await listCatalog(call);
    case 'uploads':
      if (method !== 'POST') throw methodNotAllowed(method, call.url.pathname);
      return await startUpload(call, route.name);
    case 'upload':
      return await continueUpload(call, route.name, route.uploadId);
    case 'manifest':
      if (read) return await getManifest(call, route.name, route.reference);
      if (method === 'PUT') return await putManifest(call, route.name, route.reference);
      if (method === 'DELETE') return await deleteManifest(call, route.name, route.reference);
      throw methodNotAllowed(method, call.url.pathname);
    case 'tags':
      if (!read) throw methodNotAllowed(method, call.url.pathname);
      return await listTags(call, route.name);
    case 'referrers':
      if (!read) throw methodNotAllowed(method, call.url.pathname);
      return await listReferrers(call, route.name, route.digest);
  }
}

/**
 * The OCI Distribution API (v1.1) at `/v2/`: HTTP Basic with a GetAuthorizationToken token, the same key
 * rules as the ECR door, and the same registry service. The door's one error boundary: every failure is the
 * spec's JSON error; the core's ECR errors keep their wording under the spec's code; anything unexpected is
 * logged and answered 500 in the spec's form.
 */
export async function handleOci(request: Request, endpoint: Endpoint): Promise<Response> {
  const { settings } = endpoint;
  const url = new URL(request.url);
  let route: OciRoute | undefined;
  let response: Response;
  try {
    const { caller, registryId } = ociCaller(request, settings, url.origin);
    route = parseOciRoute(url.pathname);
    if (!route) throw new OciError('NAME_UNKNOWN', `no endpoint at ${url.pathname}`);
    const registry = registryService(endpoint, registryId);
    response = await serve({ request, url, endpoint, settings, caller, registry }, route);
  } catch (error) {
    const oci =
      error instanceof EcrError ? (ociErrorFromEcr(error, subjectOf(route)) ?? error) : (error as unknown);
    if (!(oci instanceof OciError)) console.error('Unexpected failure on the OCI door', request.url, error);
    response = ociErrorResponse(oci);
    if (request.method === 'HEAD') response = new Response(null, response);
  }
  const headers = new Headers(response.headers);
  headers.set(DISTRIBUTION_API_VERSION_HEADER, DISTRIBUTION_API_VERSION);
  return new Response(response.body, { status: response.status, headers });
}
