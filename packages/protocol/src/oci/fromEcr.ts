/**
 * The OCI door's answer to an error the registry's rules raise in ECR's terms. The rules live once and speak
 * ECR (their wording is ECR's, which a docker user of ECR already sees); the OCI door sends the same message
 * under the spec's code.
 * @module
 */

import type { EcrError } from '../errors.ts';
import { upstreamReasonOf } from '../upstreamErrors.ts';
import { OciError, type OciErrorCode } from './errors.ts';
import { uploadRange } from './ranges.ts';

/**
 * What the OCI request was about, where one ECR code means different OCI codes: a layer missing on a blob
 * GET is `BLOB_UNKNOWN`, on a manifest PUT `MANIFEST_BLOB_UNKNOWN`.
 * @example
 * throw ociErrorFromEcr(error, 'manifest');
 */
export type OciSubject = 'blob' | 'upload' | 'manifest';

/** ECR codes with one OCI code whatever the request. */
const SAME_EVERYWHERE: Readonly<Record<string, OciErrorCode>> = {
  RepositoryNotFoundException: 'NAME_UNKNOWN',
  AccessDeniedException: 'DENIED',
  UploadNotFoundException: 'BLOB_UPLOAD_UNKNOWN',
  InvalidLayerException: 'DIGEST_INVALID',
  ImageDigestDoesNotMatchException: 'DIGEST_INVALID',
  ImageNotFoundException: 'MANIFEST_UNKNOWN',
  ReferencedImagesNotFoundException: 'MANIFEST_BLOB_UNKNOWN',
  UnsupportedImageTypeException: 'MANIFEST_INVALID',
  ThrottlingException: 'TOOMANYREQUESTS',
  EmptyUploadException: 'BLOB_UPLOAD_INVALID',
  LayerPartTooSmallException: 'BLOB_UPLOAD_INVALID',
};

/**
 * The OCI error for an ECR error, or undefined for one the door cannot put in the spec's terms (a server
 * fault: the door logs it and answers 500).
 * - `InvalidLayerPartException` (a chunk elsewhere than where the upload stands): 416 with the upload's
 *   `Range`, from the error's `lastValidByteReceived`;
 * - `LimitExceededException`: on a manifest, the repository's image quota: 403 `DENIED` (a refusal the
 *   client must not retry, which the spec's table has no closer code for); elsewhere a blob past the size
 *   limit: 413 `SIZE_INVALID`;
 * - `ImageTagAlreadyExistsException` (an immutable tag): 409 `DENIED`, as nothing in the spec's table
 *   names it;
 * - `LayersNotFoundException`, `LayerInaccessibleException`: `BLOB_UNKNOWN`, or `MANIFEST_BLOB_UNKNOWN`
 *   for a manifest;
 * - `InvalidParameterException`, `ValidationException`: `MANIFEST_INVALID` for a manifest, else
 *   `UNSUPPORTED` 400;
 * - `UnableToGetUpstreamImageException`, `UnableToGetUpstreamLayerException` (a pull-through cache's
 *   upstream failed): see fromUpstream.
 * @example
 * catch (e) { if (e instanceof EcrError) throw ociErrorFromEcr(e, 'blob') ?? e; }
 */
export function ociErrorFromEcr(error: EcrError<string>, subject: OciSubject): OciError | undefined {
  const options = { cause: error };
  const same = SAME_EVERYWHERE[error.code];
  if (same) return new OciError(same, error.message, options);
  switch (error.code) {
    case 'InvalidLayerPartException': {
      const last = (error.fields as { lastValidByteReceived?: number }).lastValidByteReceived ?? -1;
      const headers = { range: uploadRange(last + 1) };
      return new OciError('BLOB_UPLOAD_INVALID', error.message, { ...options, status: 416, headers });
    }
    case 'LimitExceededException':
      return subject === 'manifest'
        ? new OciError('DENIED', error.message, options)
        : new OciError('SIZE_INVALID', error.message, { ...options, status: 413 });
    case 'ImageTagAlreadyExistsException':
      return new OciError('DENIED', error.message, { ...options, status: 409 });
    case 'LayersNotFoundException':
    case 'LayerInaccessibleException':
      return new OciError(
        subject === 'manifest' ? 'MANIFEST_BLOB_UNKNOWN' : 'BLOB_UNKNOWN',
        error.message,
        options,
      );
    case 'InvalidParameterException':
    case 'ValidationException':
      return subject === 'manifest'
        ? new OciError('MANIFEST_INVALID', error.message, options)
        : new OciError('UNSUPPORTED', error.message, { ...options, status: 400 });
    case 'UnableToGetUpstreamImageException':
    case 'UnableToGetUpstreamLayerException':
      return fromUpstream(error, subject);
    default:
      return undefined;
  }
}

/**
 * A pull-through cache's upstream failure, its reason (the message's first word, ECR's name for it) also in
 * `detail.reason`: `UpstreamTooManyRequests` is 429 `TOOMANYREQUESTS` (the client may retry later),
 * `UpstreamAccessDenied` 403 `DENIED`, and `UpstreamUnavailable` (unreachable, failing, or an answer that was
 * not what it named) 502 with `MANIFEST_UNKNOWN` / `BLOB_UNKNOWN`: nothing here has the content, and the gateway
 * status says the fault is upstream.
 */
function fromUpstream(error: EcrError<string>, subject: OciSubject): OciError {
  const reason = upstreamReasonOf(error);
  const options = { cause: error, detail: { reason } };
  if (reason === 'UpstreamTooManyRequests') return new OciError('TOOMANYREQUESTS', error.message, options);
  if (reason === 'UpstreamAccessDenied') return new OciError('DENIED', error.message, options);
  const code = subject === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN';
  return new OciError(code, error.message, { ...options, status: 502 });
}
