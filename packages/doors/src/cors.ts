import type { Settings } from './settings.ts';

/** Request headers the ECR API and SigV4 use, and the AWS SDKs' own. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-target',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'range',
].join(', ');

/** Response headers a page may read: the request id and error type clients need, and download metadata. */
const EXPOSED_HEADERS = [
  'x-amzn-requestid',
  'x-amzn-errortype',
  'content-range',
  'content-length',
  'etag',
].join(', ');

/** Whether a page at `origin` may call this Worker: its own origin, or one listed in ALLOWED_ORIGINS. */
function allowed(origin: string, requestUrl: URL, settings: Settings): boolean {
  return origin === requestUrl.origin || settings.allowedOrigins.includes(origin);
}

/**
 * Answers a CORS preflight: the methods and headers of the ECR API and of downloads for an allowed origin,
 * 403 without CORS headers for any other.
 */
export function preflight(request: Request, settings: Settings): Response {
  const origin = request.headers.get('origin');
  if (!origin || !allowed(origin, new URL(request.url), settings)) {
    return new Response('This origin may not call this endpoint', { status: 403 });
  }
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST, GET, HEAD, OPTIONS',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  });
}

/** Adds the CORS headers an allowed cross-origin caller needs to read the response. */
export function withCors(request: Request, response: Response, settings: Settings): Response {
  const origin = request.headers.get('origin');
  if (!origin || !allowed(origin, new URL(request.url), settings)) return response;
  const headers = new Headers(response.headers);
  headers.set('access-control-allow-origin', origin);
  headers.set('access-control-expose-headers', EXPOSED_HEADERS);
  headers.append('vary', 'Origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
