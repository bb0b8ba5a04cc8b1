import { EcrError, errorResponse } from '@edgecr/protocol';
import { preflight, withCors } from './cors.ts';
import { DOWNLOAD_PATH_PREFIX, serveDownload } from './downloads.ts';
import { handleEcr } from './ecr/door.ts';
import type { Endpoint } from './endpoint.ts';
import { handleOci, OCI_PATH_PREFIX } from './oci/door.ts';

/**
 * Routes a request to its door, with CORS on every answer: signed downloads at `/layers/`, the OCI
 * Distribution API at `/v2/`, the ECR API at `POST /`, and any other `GET`/`HEAD` to `others` (the Worker's
 * page and its files). Each door has its own error boundary, so every answer, a failure's included, carries
 * the CORS headers a page needs to read it.
 * @example
 * const response = await route(request, endpoint, (request) => env.ASSETS.fetch(request));
 */
export async function route(
  request: Request,
  endpoint: Endpoint,
  others: (request: Request) => Promise<Response>,
): Promise<Response> {
  const { settings } = endpoint;
  if (request.method === 'OPTIONS') return preflight(request, settings);
  const { pathname } = new URL(request.url);
  let response: Response;
  if (pathname.startsWith(DOWNLOAD_PATH_PREFIX)) response = await serveDownload(request, endpoint);
  else if (pathname === OCI_PATH_PREFIX || pathname.startsWith(`${OCI_PATH_PREFIX}/`)) {
    response = await handleOci(request, endpoint);
  } else if (pathname === '/' && request.method === 'POST') {
    response = await handleEcr(request, endpoint);
  } else if (request.method === 'GET' || request.method === 'HEAD') {
    response = await others(request);
  } else {
    response = errorResponse(
      new EcrError('UnknownOperationException', `No operation at ${request.method} ${pathname}`),
    );
  }
  return withCors(request, response, settings);
}
