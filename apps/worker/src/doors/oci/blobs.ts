import { CONTENT_DIGEST_HEADER, type Digest, OciError, resolveRange } from '@edgecr/protocol';
import { R2BlobStore } from '../../adapters/r2BlobStore.ts';
import { permit } from './auth.ts';
import type { OciRequest } from './context.ts';

/**
 * GET/HEAD `/v2/<name>/blobs/<digest>`: the blob streamed from R2, whole or the `Range` asked for (206, or 416
 * with `bytes *\/<size>`). Served here rather than redirected to a signed download URL: a redirect sends the
 * client back to this same Worker for the same R2 read, one more round trip and one more request billed.
 */
export async function serveBlob(call: OciRequest, name: string, digest: Digest): Promise<Response> {
  permit(call.key, call.settings, 'GetDownloadUrlForLayer', name);
  const layer = await call.registry.findLayer(name, digest.digest);
  if (!layer) throw new OciError('BLOB_UNKNOWN', `blob ${digest.digest} is not in repository ${name}`);
  const headers: Record<string, string> = {
    [CONTENT_DIGEST_HEADER]: layer.digest,
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    etag: `"${layer.digest}"`,
  };
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
  if (!object) throw new Error(`R2 object ${layer.objectKey} of ${layer.digest} is missing`);
  return new Response(object.body, { status, headers });
}

/**
 * DELETE `/v2/<name>/blobs/<digest>`: ECR has no blob delete (a blob goes with the last image or repository
 * that holds it), so this door follows ECR and answers 405 `UNSUPPORTED`, which the spec allows.
 */
export function deleteBlob(call: OciRequest, name: string): Response {
  permit(call.key, call.settings, 'BatchDeleteImage', name);
  throw new OciError('UNSUPPORTED', 'blobs cannot be deleted: delete the images that reference them');
}
