/**
 * `@edgecr/sigv4`: AWS Signature Version 4 (AWS4-HMAC-SHA256) in the `Authorization` header, to sign
 * requests in a browser or Node and to verify them in a Worker. Synchronous hashing on `@noble/hashes`;
 * only web-platform APIs besides.
 * @module
 */
export { type ParsedAuthorization, parseAuthorization } from './authorization.ts';
export {
  ALGORITHM,
  type CanonicalRequestParts,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  EMPTY_PAYLOAD_HASH,
  type HeaderInput,
  hexSha256,
  stringToSign,
  UNSIGNED_PAYLOAD,
  uriEncode,
} from './canonical.ts';
export { formatAmzDate, parseRequestDate } from './date.ts';
export { SIGV4_ERROR_TYPES, type SigV4AwsErrorType, SigV4Error, type SigV4ErrorCode } from './errors.ts';
export {
  type Credentials,
  type SignableRequest,
  type SignOptions,
  signRequest,
  UNSIGNABLE_HEADERS,
} from './sign.ts';
export { constantTimeEqual, SIGNING_KEY_CACHE_SIZE, signature, signingKey } from './signingKey.ts';
export {
  DEFAULT_MAX_SKEW_MS,
  type VerifiableRequest,
  type VerifiedRequest,
  type VerifyOptions,
  verifyRequest,
} from './verify.ts';
