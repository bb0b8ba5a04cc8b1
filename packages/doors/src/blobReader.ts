import { digestEtag, notModified, resolveRange } from '@edgecr/protocol';
import type { BlobStore, RepositoryLayer } from '@edgecr/registry';
import type { EdgeCache } from './edgeCache.ts';

/** Where a blob's bytes are kept at the edge: under its digest alone, whichever repository holds it. */
export function blobKey(digest: string): string {
  return `blobs/${digest}`;
}

/** A blob read as a GET or HEAD asked for it: whole, the range it named, or a range past its end. */
export type BlobRead =
  | { kind: 'unsatisfiable'; contentRange: string }
  | { kind: 'missing' }
  | { kind: 'bytes'; status: 200 | 206 | 304; headers: Record<string, string>; body: ReadableStream | null };

/**
 * Reads a stored layer for a GET or HEAD, whole, the `Range` the request names, or nothing (304) when its
 * `If-None-Match` names the digest: the one ranged blob reader of
 * both blob doors (the OCI `/v2/` blobs and signed downloads), which add their own headers and errors.
 * `missing` is a layer the catalog lists whose bytes are gone (deleted between the lookup and the read).
 * With an edge cache the bytes come from it when it holds them (ranges included), and a whole read from the
 * blob store is kept there; the caller has checked that the repository holds the layer.
 * @example
 * const read = await readBlob(endpoint.blobs, layer, request, endpoint.edge);
 */
export async function readBlob(
  blobs: BlobStore,
  layer: RepositoryLayer,
  request: Request,
  edge?: EdgeCache,
): Promise<BlobRead> {
  const etag = digestEtag(layer.digest);
  const kept = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', etag };
  // If-None-Match comes before Range (RFC 9110 section 13.2.2): a client holding the blob gets no bytes.
  if (notModified(request.headers.get('if-none-match'), etag)) {
    return { kind: 'bytes', status: 304, headers: kept, body: null };
  }
  const answer = resolveRange(request.headers.get('range'), layer.size);
  if (answer.kind === 'unsatisfiable') return { kind: 'unsatisfiable', contentRange: answer.contentRange };
  const range =
    answer.kind === 'partial' ? { offset: answer.start, length: answer.end - answer.start + 1 } : undefined;
  const headers: Record<string, string> = {
    ...kept,
    'content-length': String(range ? range.length : layer.size),
    ...(answer.kind === 'partial' && { 'content-range': answer.contentRange }),
  };
  const status = range ? 206 : 200;
  if (request.method === 'HEAD') return { kind: 'bytes', status, headers, body: null };
  const key = blobKey(layer.digest);
  const cached = await edge?.match(key, range);
  if (cached) return { kind: 'bytes', status, headers, body: cached };
  const object = await blobs.get(layer.objectKey, range);
  if (!object) {
    // A recorded blob without bytes would be a fault: logged; the doors answer it as gone.
    console.warn(`Object ${layer.objectKey} of ${layer.digest} was missing when read`);
    return { kind: 'missing' };
  }
  if (!edge || range) return { kind: 'bytes', status, headers, body: object.body };
  // The Cache API keeps whole objects only (never a 206): a whole read is kept, and ranges answered from it.
  const [served, stored] = object.body.tee();
  edge.put(key, stored, layer.size);
  return { kind: 'bytes', status, headers, body: served };
}
