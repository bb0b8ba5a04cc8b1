import { isRepositoryName, OciError, parseContentRange, parseDigest, uploadRange } from '@edgecr/protocol';
import type { OpenPartRange } from '@edgecr/registry';
import { rechunked } from '../body/bodyStreams.ts';
import { allowed, permit } from './auth.ts';
import { created, type OciRequest } from './context.ts';

/**
 * The size of the chunks a request body travels in to its upload object, as the ECR door sends them:
 * gathering workerd's 4 KiB pieces in JavaScript took 1.7x as long as its BYOB reader (the stage bench,
 * bench/workerd/stages.ts), which the Worker's BodyStreams use.
 */
const CHUNK_BYTES = 1024 * 1024;

/** The header naming an upload's id, which docker's clients read. */
const UPLOAD_UUID_HEADER = 'Docker-Upload-UUID';

function uploadLocation(name: string, uploadId: string): string {
  return `/v2/${name}/blobs/uploads/${uploadId}`;
}

function uploadAnswer(status: number, name: string, uploadId: string, received: number): Response {
  return new Response(null, {
    status,
    headers: {
      location: uploadLocation(name, uploadId),
      range: uploadRange(received),
      [UPLOAD_UUID_HEADER]: uploadId,
      'content-length': '0',
    },
  });
}

function blobCreated(name: string, digest: string): Response {
  return created(`/v2/${name}/blobs/${digest}`, digest);
}

/**
 * The `?digest=` a monolithic POST or a closing PUT names: sha256 or sha512 (an OCI upload computes both, and
 * its client names the algorithm only here).
 */
function digestParam(url: URL): string | undefined {
  const given = url.searchParams.get('digest');
  return given === null ? undefined : parseDigest(given).digest;
}

/** Whether the request carries bytes (a PUT may close an upload with or without a last chunk). */
function hasBody(request: Request): boolean {
  return request.body !== null && request.headers.get('content-length') !== '0';
}

/** A chunk's place: its `Content-Range`, or appended where the upload stands when it has none. */
function chunkRange(request: Request): OpenPartRange {
  const range = parseContentRange(request.headers.get('content-range'));
  return range ? { first: range.start, last: range.end } : {};
}

/** Sends the request's body as the upload's next chunk. @returns How many bytes the upload holds. */
async function sendChunk(
  call: OciRequest,
  ref: { repositoryName: string; uploadId: string },
): Promise<number> {
  const body = rechunked(call.endpoint.bodies, call.request.body, CHUNK_BYTES);
  return (await call.registry.uploadLayerPart(ref, chunkRange(call.request), body)) + 1;
}

/**
 * Whether a `?mount=` POST linked the blob: from `from` when the caller may read it and it holds the blob, or,
 * with no `from` (an anonymous mount), from any repository holding it that the caller may read.
 */
async function mounted(call: OciRequest, name: string, mount: string, from: string | null): Promise<boolean> {
  const mayRead = (repositoryName: string) => allowed(call, 'GetDownloadUrlForLayer', repositoryName);
  if (from !== null && !isRepositoryName(from)) return false;
  const digest = parseDigest(mount).digest;
  if (from === null) return await call.registry.mountBlobFromAny(name, digest, mayRead);
  return (await mayRead(from)) && (await call.registry.mountBlob(name, digest, from));
}

/**
 * POST `/v2/<name>/blobs/uploads/`: a mount (`?mount=`, with or without `from`: 201 when a repository the
 * caller may read holds the blob; else an upload as the spec says), a monolithic upload (`?digest=`, 201), or
 * an upload session (202 with its `Location`). Sessions are the core's layer uploads, with chunks of any size.
 */
export async function startUpload(call: OciRequest, name: string): Promise<Response> {
  await permit(call, 'InitiateLayerUpload', name);
  const { url } = call;
  const mount = url.searchParams.get('mount');
  if (mount !== null && (await mounted(call, name, mount, url.searchParams.get('from')))) {
    return blobCreated(name, parseDigest(mount).digest);
  }
  const digest = digestParam(url);
  const uploadId = await call.registry.startBlobUpload(name);
  if (digest === undefined) return uploadAnswer(202, name, uploadId, 0);
  const ref = { repositoryName: name, uploadId };
  try {
    await sendChunk(call, ref);
    return blobCreated(name, await call.registry.completeBlobUpload(ref, digest));
  } catch (error) {
    // A monolithic upload has no session the client knows of: nothing is left behind.
    await call.registry.cancelUpload(ref).catch(() => undefined);
    throw error;
  }
}

/**
 * PATCH, PUT, GET and DELETE on `/v2/<name>/blobs/uploads/<id>`: a chunk (streamed, or at its
 * `Content-Range`; elsewhere than where the upload stands: 416 with the upload's `Range`), the close with
 * `?digest=` and an optional last chunk (a wrong digest: 400 `DIGEST_INVALID`, the upload left as it was),
 * the status (204 with `Range`) and the cancel.
 */
export async function continueUpload(call: OciRequest, name: string, uploadId: string): Promise<Response> {
  const ref = { repositoryName: name, uploadId };
  const { request } = call;
  switch (request.method) {
    case 'PATCH': {
      await permit(call, 'UploadLayerPart', name);
      return uploadAnswer(202, name, uploadId, await sendChunk(call, ref));
    }
    case 'PUT': {
      await permit(call, 'CompleteLayerUpload', name);
      const digest = digestParam(call.url);
      if (digest === undefined) throw new OciError('DIGEST_INVALID', 'closing an upload needs ?digest=');
      if (hasBody(request)) await sendChunk(call, ref);
      return blobCreated(name, await call.registry.completeBlobUpload(ref, digest));
    }
    case 'GET': {
      await permit(call, 'UploadLayerPart', name);
      return uploadAnswer(204, name, uploadId, await call.registry.uploadedBytes(ref));
    }
    case 'DELETE': {
      await permit(call, 'UploadLayerPart', name);
      await call.registry.cancelUpload(ref);
      return new Response(null, { status: 204 });
    }
    default:
      throw new OciError('UNSUPPORTED', `${request.method} is not an upload method`);
  }
}
