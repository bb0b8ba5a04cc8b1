/**
 * The one error class of this package, and the AWS exception each of its codes is answered with.
 * @module
 */
// Type-only: the exception names must be codes of @edgecr/protocol's error table, which alone says their
// status and fault; nothing of it is emitted, so this package stays free of runtime dependencies.
import type { ErrorCode } from '@edgecr/protocol';

/**
 * What went wrong, and so which AWS error a server answers with (see {@link SIGV4_ERROR_TYPES}).
 * - `MissingAuthenticationToken`: the request has no `Authorization` header.
 * - `IncompleteSignature`: the header or the request is malformed: a part missing or repeated, an algorithm
 *   other than AWS4-HMAC-SHA256, no `x-amz-date`/`date`, `host` or `x-amz-security-token` not signed.
 * - `InvalidCredentialScope`: the credential scope names another service, a region not served, or a day other
 *   than the request date's.
 * - `SignatureExpired`: the request date is more than the allowed skew before or after the server's clock.
 * - `UnrecognizedClient`: no secret is known for the access key id.
 * - `ContentSha256Mismatch`: `x-amz-content-sha256` differs from the hash of the body the server received.
 * - `InvalidSignature`: the signature is not the one the server calculates.
 */
export type SigV4ErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidCredentialScope'
  | 'SignatureExpired'
  | 'UnrecognizedClient'
  | 'ContentSha256Mismatch'
  | 'InvalidSignature';

/**
 * The AWS exception (`x-amzn-ErrorType` of an AWS JSON service) each code is answered with: the name a
 * client's SDK turns back into the error it raises. Each is a code of `@edgecr/protocol`'s error table (checked
 * when this package compiles), which says its HTTP status and fault.
 * @example
 * SIGV4_ERROR_TYPES.SignatureExpired; // 'InvalidSignatureException'
 */
export const SIGV4_ERROR_TYPES = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  InvalidCredentialScope: 'InvalidSignatureException',
  SignatureExpired: 'InvalidSignatureException',
  UnrecognizedClient: 'UnrecognizedClientException',
  ContentSha256Mismatch: 'InvalidSignatureException',
  InvalidSignature: 'InvalidSignatureException',
} as const satisfies Record<SigV4ErrorCode, ErrorCode>;

/** The AWS exception names of {@link SIGV4_ERROR_TYPES}. */
export type SigV4AwsErrorType = (typeof SIGV4_ERROR_TYPES)[SigV4ErrorCode];

/**
 * A request that fails authentication. The message is the one AWS sends for the same fault where AWS has one,
 * and otherwise names the part of the request that is wrong; it never contains a secret.
 * @example
 * try {
 *   await verifyRequest(request, options);
 * } catch (err) {
 *   if (err instanceof SigV4Error) return errorResponse(err.awsErrorType, err.message);
 *   throw err;
 * }
 */
export class SigV4Error extends Error {
  override readonly name = 'SigV4Error';
  /** The fault, one of {@link SigV4ErrorCode}. */
  readonly code: SigV4ErrorCode;

  constructor(code: SigV4ErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  /** The AWS exception a server answers with, from {@link SIGV4_ERROR_TYPES}. */
  get awsErrorType(): SigV4AwsErrorType {
    return SIGV4_ERROR_TYPES[this.code];
  }
}
