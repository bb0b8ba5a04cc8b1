import {
  CONTENT_DIGEST_HEADER,
  type Digest,
  digestEtag,
  notModified,
  OciError,
  resolveRange,
} from '@edgecr/protocol';
import { R2BlobStore } from '../../adapters/r2BlobStore.ts';
import { permit } from './auth.ts';
import type { OciRequest } from './context.ts';

/**
 * GET/HEAD `/v2/<name>/blobs/<digest>`: the blob streamed from R2, whole or the `Range` asked for (206, or 416
 * with `bytes *\/<size>`), or 304 when `If-None-Match` names its digest. Served here rather than redirected
 * to a signed download URL: a redirect sends the client back to this same Worker for the same R2 read, one
 * more round trip and one more request billed.
 */
export async function serveBlob(call: OciRequest, name: string, digest: Digest): Promise<Response> {
  permit(call.key, call.settings, 'GetDownloadUrlForLayer', name);
  const layer = await call.registry.findLayer(name, digest.digest);
  if (!layer) throw new OciError('BLOB_UNKNOWN', `blob ${digest.digest} is not in repository ${name}`);
  const etag = digestEtag(layer.digest);
  const headers: Record<string, string> = {
    [CONTENT_DIGEST_HEADER]: layer.digest,
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    etag,
  };
  // If-None-Match comes before Range (RFC 9110 section 13.2.2): a client holding the blob gets no bytes.
  if (notModified(call.request.headers.get('if-none-match'), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const answer = resolveRange(call.request.headers.get('range'), layer.size);
  if (answer.kind === 'unsatisfiable') {
    throw new OciError('BLOB_UNKNOWN', 'range not satisfiable', {
      status: 416,
      headers: { 'content-range': answer.contentRange },
    });
  }
  const range =
    answer.kind === 'partial' ? { offset: answer.start, length: answer.end - answer.start + 1 } : undefined;
  headers['content-length'] = String(range ? range.length : layer.size);
  if (answer.kind === 'partial') headers['content-range'] = answer.contentRange;
  const status = range ? 206 : 200;
  if (call.request.method === 'HEAD') return new Response(null, { status, headers });
  const object = await new R2BlobStore(call.env.LAYERS).get(layer.objectKey, range);
  if (!object) {
    // Deleted between the lookup and the read (a blob DELETE, a repository delete or the sweep): gone, as the
    // client will find if it asks again. Logged, since a recorded blob without bytes would be a fault.
    console.warn(`R2 object ${layer.objectKey} of ${layer.digest} was missing when read`);
    throw new OciError('BLOB_UNKNOWN', `blob ${layer.digest} is not in repository ${name}`);
  }
  return new Response(object.body, { status, headers });
}

/**
 * DELETE `/v2/<name>/blobs/<digest>` (sha256, or a sha512 alias): the repository stops holding the blob, and
 * its bytes go once no repository does; 202. A key needs what BatchDeleteImage needs ('admin'). A blob the
 * repository does not hold is 404 `BLOB_UNKNOWN`. A blob an image of the repository still references is
 * refused, so no image is left unpullable: 409 `DENIED`. The spec's table has no code for a conflict;
 * `UNSUPPORTED` (405) would tell clients this registry cannot delete blobs at all (the conformance suite
 * reads a 405 so), while this delete works once the images go, so it is `DENIED` with 409 Conflict
 * saying the refusal is the blob's state, not the key's rights: the same pair as deleting a manifest an index
 * still lists and overwriting an immutable tag.
 */
export async function deleteBlob(call: OciRequest, name: string, digest: Digest): Promise<Response> {
  permit(call.key, call.settings, 'BatchDeleteImage', name);
  const deletion = await call.registry.deleteBlob(name, digest.digest);
  if (deletion === 'unknown') {
    throw new OciError('BLOB_UNKNOWN', `blob ${digest.digest} is not in repository ${name}`);
  }
  if (deletion === 'referenced') {
    throw new OciError(
      'DENIED',
      `blob ${digest.digest} is referenced by an image in repository ${name}: delete the image first`,
      { status: 409 },
    );
  }
  return new Response(null, { status: 202 });
}
