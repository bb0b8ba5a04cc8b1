/**
 * The errors the engine tells apart, and what each means to a person: one table from ECR code to a sentence,
 * with the code kept for detail.
 * @module
 */
import { ImageArchiveError, type ImageArchiveErrorCode } from '@edgecr/image-archive';
import { EcrError, type ErrorCode, errorSpec } from '@edgecr/protocol';

/**
 * A request that got no HTTP answer at all: DNS, refused or reset connection, CORS, the browser offline.
 * @example
 * throw new NetworkError('POST http://127.0.0.1:8787/ failed', { cause });
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/**
 * A request that got no answer within the retry policy's `requestTimeoutMs`.
 * @example
 * throw new RequestTimeoutError(120_000);
 */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`No answer within ${Math.round(timeoutMs / 1000)} s`);
    this.timeoutMs = timeoutMs;
  }
}

/** Why a layer's file cannot be uploaded. */
export type LayerSourceErrorCode = 'EmptyFile' | 'FileChanged' | 'Unreadable' | 'TooLarge';

/**
 * The layer file could not be read (moved, deleted or changed on disk after it was chosen), or it does not
 * fit ECR's limits.
 * @example
 * throw new LayerSourceError('The file is empty: a layer needs at least one byte', 'EmptyFile');
 */
export class LayerSourceError extends Error {
  override readonly name = 'LayerSourceError';
  readonly code: LayerSourceErrorCode;
  constructor(message: string, code: LayerSourceErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** What a failure is about, in the terms the page shows. */
export type FailureKind =
  | 'offline'
  | 'network'
  | 'credentials'
  | 'permission'
  | 'repository-missing'
  | 'throttled'
  | 'server'
  | 'file'
  | 'layer-rejected'
  | 'upload-expired'
  | 'archive'
  | 'image-rejected'
  | 'other';

/** A failure as shown to a person: a sentence, and the technical detail behind it. */
export interface UploadFailure {
  kind: FailureKind;
  /** One sentence saying what went wrong and what to do. */
  message: string;
  /**
   * The ECR error code (`RepositoryNotFoundException`), `NetworkError`, the source error's code, or the
   * archive's (`ImageArchiveError`'s `code`: `MissingBlob`…).
   */
  code: string;
  /** What the server or the runtime said, verbatim. */
  detail: string;
  /** HTTP status, when there was an answer. */
  status?: number;
}

const CREDENTIALS = 'The endpoint did not accept the access key and secret. Check them (and the region).';

/**
 * The engine's own failures that are not ECR errors: the names of {@link NetworkError} and
 * {@link RequestTimeoutError}, and the {@link LayerSourceErrorCode}s.
 */
export type EngineErrorCode = 'NetworkError' | 'RequestTimeoutError' | LayerSourceErrorCode;

/** What a failure means to a person: its kind and one sentence. */
type Meaning = Readonly<{ kind: FailureKind; message: string }>;

/**
 * ECR error codes (those of `@edgecr/protocol`'s table, so a misspelt one does not compile), and what they mean
 * to someone uploading a layer. A code without a row is described by its HTTP status.
 */
const ECR_MESSAGES: { readonly [C in ErrorCode]?: Meaning } = {
  UnrecognizedClientException: { kind: 'credentials', message: CREDENTIALS },
  InvalidSignatureException: { kind: 'credentials', message: CREDENTIALS },
  IncompleteSignatureException: { kind: 'credentials', message: CREDENTIALS },
  MissingAuthenticationTokenException: {
    kind: 'credentials',
    message: 'The endpoint wants signed requests: enter an access key and secret in Settings.',
  },
  AccessDeniedException: {
    kind: 'permission',
    message:
      'This key may not do this here: pushing needs push (or admin) permission on this registry and repository. Check the key and the registry id.',
  },
  RepositoryNotFoundException: {
    kind: 'repository-missing',
    message: 'The repository does not exist (any more). Choose another one or create it.',
  },
  RepositoryAlreadyExistsException: {
    kind: 'other',
    message: 'A repository with this name already exists.',
  },
  UploadNotFoundException: {
    kind: 'upload-expired',
    message: 'The endpoint no longer knows this upload (it expires after a day without activity).',
  },
  InvalidLayerException: {
    kind: 'layer-rejected',
    message: 'The bytes received do not match the file’s digest: the file may have changed while uploading.',
  },
  InvalidLayerPartException: {
    kind: 'layer-rejected',
    message: 'The endpoint refused a part of the layer that did not follow the bytes it already has.',
  },
  LayerPartTooSmallException: {
    kind: 'layer-rejected',
    message: 'The endpoint refused the layer: a part other than the last was smaller than 5 MiB.',
  },
  EmptyUploadException: { kind: 'file', message: 'The file is empty: a layer needs at least one byte.' },
  LimitExceededException: { kind: 'layer-rejected', message: 'The layer exceeds a limit of the registry.' },
  LayersNotFoundException: { kind: 'other', message: 'The repository does not hold this layer.' },
  ImageTagAlreadyExistsException: {
    kind: 'image-rejected',
    message:
      'The tag already names another image and the repository’s tags are immutable. Push under a new tag.',
  },
  ImageNotFoundException: {
    kind: 'other',
    message: 'The repository holds no image with this tag or digest.',
  },
  ImageDigestDoesNotMatchException: {
    kind: 'image-rejected',
    message: 'The endpoint computed another digest for the manifest than the one sent.',
  },
  ReferencedImagesNotFoundException: {
    kind: 'image-rejected',
    message: 'The index names a manifest the repository does not hold: push the whole image.',
  },
  InvalidTagParameterException: { kind: 'other', message: 'The endpoint refused the tag.' },
  LayerInaccessibleException: {
    kind: 'permission',
    message: 'The registry does not let this layer be downloaded until an image refers to it.',
  },
  InvalidParameterException: { kind: 'other', message: 'The endpoint refused a parameter of the request.' },
  ThrottlingException: {
    kind: 'throttled',
    message: 'The endpoint is asking for fewer requests (throttling).',
  },
  ServerException: { kind: 'server', message: 'The endpoint had an internal error.' },
  InternalFailure: { kind: 'server', message: 'The endpoint had an internal error.' },
  RequestEntityTooLargeException: {
    kind: 'layer-rejected',
    message: 'The endpoint refused a request as too large.',
  },
  UnknownOperationException: {
    kind: 'other',
    message: 'The endpoint does not offer this ECR operation. Is the endpoint address right?',
  },
  SerializationException: { kind: 'other', message: 'The endpoint could not read the request.' },
};

/** The engine's own failures, each with its sentence. */
const ENGINE_MESSAGES: Readonly<Record<EngineErrorCode, Meaning>> = {
  NetworkError: {
    kind: 'network',
    message: 'Could not reach the endpoint. Check the network connection and the endpoint address.',
  },
  RequestTimeoutError: {
    kind: 'network',
    message: 'The endpoint did not answer in time. The connection may be very slow or down.',
  },
  EmptyFile: { kind: 'file', message: 'The file is empty: a layer needs at least one byte.' },
  FileChanged: {
    kind: 'file',
    message: 'The file changed on disk while it was being uploaded. Choose it again to start over.',
  },
  Unreadable: {
    kind: 'file',
    message: 'The file can no longer be read: it may have been moved, deleted or changed. Choose it again.',
  },
  TooLarge: { kind: 'file', message: 'The file is larger than the largest layer ECR accepts.' },
};

/** What each {@link ImageArchiveErrorCode} means to someone pushing an image. */
const ARCHIVE_MESSAGES: Readonly<Record<ImageArchiveErrorCode, string>> = {
  NotATar: 'The file is not an image archive (not a tar; a .tar.gz must be decompressed first).',
  NotAnImageArchive:
    'The file is not an image archive: neither a docker save tarball nor an OCI image layout.',
  MalformedManifest: 'The archive’s manifest is damaged or not a container image manifest.',
  MalformedIndex: 'The archive’s index is damaged or not an OCI image index.',
  MissingBlob:
    'The archive is incomplete: a manifest names a blob the archive does not hold. Nothing was sent.',
  BlobSizeMismatch: 'The archive is damaged: a blob’s size differs from what its manifest says.',
  DigestMismatch: 'The archive is damaged: a blob’s bytes do not hash to the digest its manifest names.',
  UnsupportedMediaType: 'The archive holds a kind of manifest that cannot be pushed to ECR.',
};

/**
 * Turns whatever an upload threw into a sentence a person understands, keeping the code and the original
 * message for detail.
 * @example
 * describeFailure(new EcrError('RepositoryNotFoundException', "The repository 'app' does not exist")).message;
 * // 'The repository does not exist (any more). Choose another one or create it.'
 */
export function describeFailure(error: unknown): UploadFailure {
  if (error instanceof EcrError) {
    const known = errorSpec(error.code) ? ECR_MESSAGES[error.code as ErrorCode] : undefined;
    const byStatus: Meaning =
      error.status >= 500
        ? { kind: 'server', message: `The endpoint failed (HTTP ${error.status}).` }
        : error.status === 429
          ? { kind: 'throttled', message: 'The endpoint is asking for fewer requests (HTTP 429).' }
          : error.status === 403 || error.status === 401
            ? { kind: 'credentials', message: CREDENTIALS }
            : { kind: 'other', message: `The endpoint refused the request (HTTP ${error.status}).` };
    return { ...(known ?? byStatus), code: error.code, detail: error.message, status: error.status };
  }
  if (error instanceof NetworkError || error instanceof RequestTimeoutError) {
    const code = error instanceof NetworkError ? 'NetworkError' : 'RequestTimeoutError';
    return { ...ENGINE_MESSAGES[code], code, detail: detailOf(error) };
  }
  if (error instanceof LayerSourceError) {
    return { ...ENGINE_MESSAGES[error.code], code: error.code, detail: error.message };
  }
  if (error instanceof ImageArchiveError) {
    return {
      kind: 'archive',
      message: ARCHIVE_MESSAGES[error.code],
      code: error.code,
      detail: error.message,
    };
  }
  if (isFileReadError(error)) {
    return { ...ENGINE_MESSAGES.Unreadable, code: 'Unreadable', detail: detailOf(error as Error) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'other', message: `Unexpected error: ${message}`, code: nameOf(error), detail: message };
}

/** Browsers fail `File.stream()` reads with these DOMExceptions when the file moved or changed on disk. */
function isFileReadError(error: unknown): boolean {
  const name = nameOf(error);
  return name === 'NotReadableError' || name === 'NotFoundError' || name === 'SecurityError';
}

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as Error).name === 'string'
    ? (error as Error).name
    : 'Error';
}

function detailOf(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * Whether `error` is an {@link EcrError} with this code.
 * @example
 * if (isEcrError(err, 'LayerAlreadyExistsException')) return 'already-present';
 */
export function isEcrError(error: unknown, code: ErrorCode): error is EcrError<string> {
  return error instanceof EcrError && error.code === code;
}
