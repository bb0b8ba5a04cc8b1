import { ECR_DIGEST, EcrError, errorResponse } from '@edgecr/protocol';
import { constantTimeEqual } from '@edgecr/sigv4';
import { bytesToHex } from '@noble/hashes/utils.js';
import { readBlob } from './blobReader.ts';
import { type Endpoint, registryService } from './endpoint.ts';
import { upstreamBlobResponse } from './pullThrough.ts';
import type { Settings } from './settings.ts';

/** Where download URLs live: `/layers/<registryId>/<repositoryName>/<digest>?expires=…&signature=…`. */
export const DOWNLOAD_PATH_PREFIX = '/layers/';

interface LayerLocation {
  registryId: string;
  repositoryName: string;
  digest: string;
}

const encoder = new TextEncoder();

async function signature(key: string, location: LayerLocation, expires: number): Promise<string> {
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    encoder.encode(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const message = [location.registryId, location.repositoryName, location.digest, String(expires)].join('\n');
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, encoder.encode(message))));
}

function signingKey(settings: Settings): string {
  if (!settings.urlSigningKey) {
    throw new EcrError(
      'ServerException',
      'This endpoint has no URL_SIGNING_KEY secret, so it cannot issue download URLs',
    );
  }
  return settings.urlSigningKey;
}

/**
 * A URL that serves the layer's bytes until it expires. It is an HMAC over the layer's location and expiry
 * time with the `URL_SIGNING_KEY` secret, so it cannot be altered or extended.
 * @example
 * const downloadUrl = await signDownloadUrl('https://edgecr.example', settings, location);
 */
export async function signDownloadUrl(
  origin: string,
  settings: Settings,
  location: LayerLocation,
): Promise<string> {
  const expires = Math.floor(Date.now() / 1000) + settings.downloadUrlTtlSeconds;
  const path = `${DOWNLOAD_PATH_PREFIX}${location.registryId}/${location.repositoryName}/${location.digest}`;
  const mac = await signature(signingKey(settings), location, expires);
  return `${origin}${path}?expires=${expires}&signature=${mac}`;
}

/** A download path: the registry, the repository and ECR's digest pattern (without its anchors). */
const LOCATION = new RegExp(`^/layers/([0-9]{12})/(.+)/(${ECR_DIGEST.source.slice(1, -1)})$`);

function parseLocation(pathname: string): LayerLocation | null {
  const match = LOCATION.exec(pathname);
  if (!match) return null;
  const [, registryId, repositoryName, digest] = match as unknown as [string, string, string, string];
  return { registryId, repositoryName, digest };
}

const text = (status: number, body: string, headers?: HeadersInit) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/**
 * Serves `GET`/`HEAD` on a signed download URL, with `Range`, `ETag` (the digest: the bytes behind a digest
 * never change) and `If-None-Match`. A bad or expired signature gets 403 and no bytes. The door's one error
 * boundary: a failure (a missing `URL_SIGNING_KEY`, a catalog that cannot be reached) is an ECR error on the
 * wire, never a bare 500; anything unexpected is logged and answered as `ServerException`.
 */
export async function serveDownload(request: Request, endpoint: Endpoint): Promise<Response> {
  try {
    return await download(request, endpoint);
  } catch (error) {
    if (error instanceof EcrError) return errorResponse(error);
    console.error('Unexpected failure on a download', request.url, error);
    return errorResponse(new EcrError('ServerException', 'Internal error serving the download'));
  }
}

async function download(request: Request, endpoint: Endpoint): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return text(405, 'Method not allowed', { allow: 'GET, HEAD' });
  const url = new URL(request.url);
  const location = parseLocation(url.pathname);
  if (!location) return text(404, 'Not found');
  const expires = Number(url.searchParams.get('expires'));
  const given = url.searchParams.get('signature') ?? '';
  const expected = await signature(signingKey(endpoint.settings), location, expires);
  if (!Number.isSafeInteger(expires) || !constantTimeEqual(given, expected)) {
    return text(403, 'The download URL signature is not valid');
  }
  if (Date.now() / 1000 > expires) return text(403, 'The download URL has expired');
  const registry = registryService(endpoint, location.registryId);
  const { repositoryName, digest } = location;
  // A repository deleted since the URL was issued holds no layer.
  const gone = (error: unknown) => {
    if (error instanceof EcrError && error.code === 'RepositoryNotFoundException') return null;
    throw error;
  };
  let layer = await registry.catalog.findLayer(repositoryName, digest).catch(gone);
  // A layer a pull-through image references comes from upstream on its first pull (read here once landed).
  if (!layer) {
    const pulled = await upstreamBlobResponse(endpoint, registry, { repositoryName, digest }, request);
    if (pulled instanceof Response) return pulled;
    if (pulled === 'landed') layer = await registry.catalog.findLayer(repositoryName, digest).catch(gone);
  }
  if (!layer) return text(404, 'The layer does not exist');
  const etag = `"${layer.digest}"`;
  const common = { etag, 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=0' };
  if (request.headers.get('if-none-match') === etag)
    return new Response(null, { status: 304, headers: common });
  const read = await readBlob(endpoint.blobs, layer, request, endpoint.edge);
  if (read.kind === 'unsatisfiable') {
    return text(416, 'Range not satisfiable', { ...common, 'content-range': read.contentRange });
  }
  if (read.kind === 'missing') return text(404, 'The layer bytes are missing');
  return new Response(read.body, { status: read.status, headers: { ...read.headers, ...common } });
}
