/**
 * The one error type of this package: a code a program can switch on and a message a person can read.
 * @module
 */

/**
 * Why an archive cannot be read:
 * - `NotATar`: the bytes are not a tar archive (or are a compressed one, which cannot be indexed by seeking).
 * - `NotAnImageArchive`: a tar or folder, but with neither `manifest.json` (docker save) nor `index.json` (OCI).
 * - `MalformedManifest`: `manifest.json`, an image manifest or an image config is not what its format says.
 * - `MalformedIndex`: `index.json`, an image index or `oci-layout` is not what the OCI spec says.
 * - `MissingBlob`: a manifest references a blob or file that the archive does not hold.
 * - `BlobSizeMismatch`: a blob's size in the archive differs from the size its descriptor states.
 * - `DigestMismatch`: a manifest, index or config read from the archive does not hash to its digest.
 * - `UnsupportedMediaType`: a manifest or index of a media type this reader does not know how to push.
 */
export type ImageArchiveErrorCode =
  | 'NotATar'
  | 'NotAnImageArchive'
  | 'MalformedManifest'
  | 'MalformedIndex'
  | 'MissingBlob'
  | 'BlobSizeMismatch'
  | 'DigestMismatch'
  | 'UnsupportedMediaType';

/**
 * Thrown by {@link readImageArchive} for an archive it cannot turn into images. `code` tells the case; the
 * message says it in plain language, naming the file or digest at fault.
 */
export class ImageArchiveError extends Error {
  override readonly name = 'ImageArchiveError';
  /** Which case this is (see {@link ImageArchiveErrorCode}). */
  readonly code: ImageArchiveErrorCode;
  /** The digest at fault, for `MissingBlob`, `BlobSizeMismatch` and `DigestMismatch` of a blob. */
  readonly digest: string | undefined;

  constructor(code: ImageArchiveErrorCode, message: string, options?: { digest?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.digest = options?.digest;
  }
}
