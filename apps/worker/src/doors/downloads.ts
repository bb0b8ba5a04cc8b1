import { EcrError, resolveRange } from '@edgecr/protocol';
import { constantTimeEqual } from '@edgecr/sigv4';
import { bytesToHex } from '@noble/hashes/utils.js';
import { R2BlobStore } from '../adapters/r2BlobStore.ts';
import type { Settings } from '../config.ts';
import { registryService } from './ecr/context.ts';

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

function parseLocation(pathname: string): LayerLocation | null {
  const match = /^\/layers\/([0-9]{12})\/(.+)\/([a-zA-Z0-9-_+.]+:[a-fA-F0-9]+)$/.exec(pathname);
  if (!match) return null;
  const [, registryId, repositoryName, digest] = match as unknown as [string, string, string, string];
  return { registryId, repositoryName, digest };
}

const text = (status: number, body: string, headers?: HeadersInit) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/**
 * Serves `GET`/`HEAD` on a signed download URL from R2, with `Range`, `ETag` (the digest: the bytes behind a
 * digest never change) and `If-None-Match`. A bad or expired signature gets 403 and no bytes.
 */
export async function serveDownload(request: Request, env: Env, settings: Settings): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return text(405, 'Method not allowed', { allow: 'GET, HEAD' });
  const url = new URL(request.url);
  const location = parseLocation(url.pathname);
  if (!location) return text(404, 'Not found');
  const expires = Number(url.searchParams.get('expires'));
  const given = url.searchParams.get('signature') ?? '';
  const expected = await signature(signingKey(settings), location, expires);
  if (!Number.isSafeInteger(expires) || !constantTimeEqual(given, expected)) {
    return text(403, 'The download URL signature is not valid');
  }
  if (Date.now() / 1000 > expires) return text(403, 'The download URL has expired');
  const layer = await registryService(env, settings, location.registryId)
    .catalog.findLayer(location.repositoryName, location.digest)
    // A repository deleted since the URL was issued holds no layer.
    .catch((error: unknown) => {
      if (error instanceof EcrError && error.code === 'RepositoryNotFoundException') return null;
      throw error;
    });
  if (!layer) return text(404, 'The layer does not exist');

  const etag = `"${layer.digest}"`;
  const common = { etag, 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=0' };
  if (request.headers.get('if-none-match') === etag)
    return new Response(null, { status: 304, headers: common });
  const answer = resolveRange(request.headers.get('range'), layer.size);
  if (answer.kind === 'unsatisfiable') {
    return text(416, 'Range not satisfiable', { ...common, 'content-range': answer.contentRange });
  }
  const range =
    answer.kind === 'partial' ? { offset: answer.start, length: answer.end - answer.start + 1 } : undefined;
  const headers = {
    ...common,
    'content-type': 'application/octet-stream',
    'content-length': String(range ? range.length : layer.size),
    ...(answer.kind === 'partial' && { 'content-range': answer.contentRange }),
  };
  const status = range ? 206 : 200;
  if (request.method === 'HEAD') return new Response(null, { status, headers });
  const object = await new R2BlobStore(env.LAYERS).get(layer.objectKey, range);
  if (!object) return text(404, 'The layer bytes are missing');
  return new Response(object.body, { status, headers });
}
