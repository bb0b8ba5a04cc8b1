import { CONTENT_DIGEST_HEADER, type Digest, OciError } from '@edgecr/protocol';
import { readBlob } from '../blobReader.ts';
import { upstreamBlobResponse } from '../pullThrough.ts';
import { admit, permit } from './auth.ts';
import type { OciRequest } from './context.ts';

/**
 * GET/HEAD `/v2/<name>/blobs/<digest>`: the blob streamed from the blob store, whole or the `Range` asked for (206, or 416
 * with `bytes *\/<size>`), or 304 when `If-None-Match` names its digest. Served here rather than redirected to a signed download URL: a redirect sends the
 * client back to this same Worker for the same R2 read, one more round trip and one more request billed.
 */
export async function serveBlob(call: OciRequest, name: string, digest: Digest): Promise<Response> {
  await permit(call, 'GetDownloadUrlForLayer', name, true);
  const { catalog } = call.registry;
  let layer = await catalog.findLayer(name, digest.digest);
  const unknown = () => new OciError('BLOB_UNKNOWN', `blob ${digest.digest} is not in repository ${name}`);
  // A blob a pull-through image references comes from upstream on its first pull (read here once landed).
  if (!layer) {
    const at = { repositoryName: name, digest: digest.digest };
    const policy = (policyText: string | undefined) =>
      admit(call, 'GetDownloadUrlForLayer', name, policyText);
    const pulled = await upstreamBlobResponse(call.endpoint, call.registry, at, call.request, policy);
    if (pulled instanceof Response) return pulled;
    if (pulled === 'landed') layer = await catalog.findLayer(name, digest.digest);
  }
  if (!layer) {
    // A miss carries no policy: asked for, so that a caller the policy denies learns nothing of the blob.
    await permit(call, 'GetDownloadUrlForLayer', name);
    throw unknown();
  }
  admit(call, 'GetDownloadUrlForLayer', name, layer.policyText);
  const read = await readBlob(call.endpoint.blobs, layer, call.request, call.endpoint.edge);
  if (read.kind === 'unsatisfiable') {
    throw new OciError('BLOB_UNKNOWN', 'range not satisfiable', {
      status: 416,
      headers: { 'content-range': read.contentRange },
    });
  }
  // Deleted between the lookup and the read (a blob DELETE, a repository delete or the sweep): gone, as the
  // client will find if it asks again.
  if (read.kind === 'missing') throw unknown();
  const headers = { ...read.headers, [CONTENT_DIGEST_HEADER]: layer.digest };
  return new Response(read.body, { status: read.status, headers });
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
  await permit(call, 'BatchDeleteImage', name);
  const deletion = await call.registry.catalog.deleteLayer(name, digest.digest);
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
