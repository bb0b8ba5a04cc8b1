/**
 * Verifying a SigV4-signed request on the server, with the checks and error messages of AWS's own endpoints.
 * @module
 */

import { type ParsedAuthorization, parseAuthorization } from './authorization.ts';
import {
  canonicalRequest,
  collectHeaders,
  credentialScope,
  type HeaderInput,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './canonical.ts';
import { formatAmzDate, parseRequestDate } from './date.ts';
import { SigV4Error } from './errors.ts';
import { constantTimeEqual, signature, signingKey } from './signingKey.ts';

/** How far a request date may be from the server's clock, either way, by default: 15 minutes, as at AWS. */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

/** The request as the server received it; a `Request` fits. */
export interface VerifiableRequest {
  method: string;
  /** The full URL; its path and query are read as received (percent-encoded), like `Request.url`. */
  url: string | URL;
  headers: HeaderInput;
}

/** Options of {@link verifyRequest}. */
export interface VerifyOptions {
  /** The secret access key of an access key id, or undefined for an unknown one. */
  lookupSecret(accessKeyId: string): string | undefined | Promise<string | undefined>;
  /** The service the credential scope must name (`ecr`). */
  service: string;
  /**
   * Hex SHA-256 of the body the server received, computed by the caller. The signature covers it unless the
   * request says `x-amz-content-sha256: UNSIGNED-PAYLOAD` and `allowUnsignedPayload` is true.
   */
  payloadHash: string;
  /** Regions the credential scope may name; any region when undefined. */
  regions?: readonly string[];
  /** The server's clock; now by default. */
  now?: Date;
  /** Allowed distance between the request date and `now`, either way; {@link DEFAULT_MAX_SKEW_MS} by default. */
  maxSkewMs?: number;
  /**
   * Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which leaves the body out of the signature; true by
   * default, as the specification allows it. With false such requests fail with `ContentSha256Mismatch`.
   */
  allowUnsignedPayload?: boolean;
}

/** Who signed a verified request. */
export interface VerifiedRequest {
  accessKeyId: string;
  /** The region of the credential scope. */
  region: string;
  /** `x-amz-security-token`, when the request carried one (it is always signed). */
  sessionToken?: string;
  /** The signed header names, lowercase and sorted. */
  signedHeaders: string[];
}

/** A request's header values by lowercase name, as {@link collectHeaders} gives them. */
type HeaderMap = Map<string, string[]>;

/** The request date, as read from `x-amz-date` or `date`. */
type RequestDate = NonNullable<ReturnType<typeof parseRequestDate>>;

/**
 * Verifies a request signed with AWS Signature Version 4 in its `Authorization` header: its form, the
 * credential scope, the request date against the server's clock, the access key, the body hash and the
 * signature, in that order, so that a malformed or stale request costs no secret lookup.
 * @throws SigV4Error naming the first fault found (see {@link SigV4ErrorCode}); errors thrown by
 *   `lookupSecret` pass through.
 * @example
 * const body = new Uint8Array(await request.arrayBuffer());
 * const { accessKeyId } = await verifyRequest(request, {
 *   service: 'ecr',
 *   regions: ['us-east-1'],
 *   payloadHash: hexSha256(body),
 *   lookupSecret: (id) => env.ACCESS_KEYS[id],
 * });
 */
export async function verifyRequest(
  request: VerifiableRequest,
  options: VerifyOptions,
): Promise<VerifiedRequest> {
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (!(maxSkewMs >= 0 && Number.isFinite(maxSkewMs))) {
    throw new RangeError(`"maxSkewMs" expected a finite number >= 0, got ${maxSkewMs}`);
  }
  const headers = collectHeaders(request.headers);
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  if (!headers.has('host')) headers.set('host', [url.host]);
  const header = (name: string): string | undefined => headers.get(name)?.join(',');

  const authorization = header('authorization');
  if (authorization === undefined)
    throw new SigV4Error('MissingAuthenticationToken', 'Missing Authentication Token');
  const auth = parseAuthorization(authorization);
  const requestDate = readRequestDate(header('x-amz-date'), header('date'));
  const sessionToken = header('x-amz-security-token');
  checkSignedHeaders(auth, headers, sessionToken);
  checkCredentialScope(auth, requestDate, options);
  checkClock(requestDate, (options.now ?? new Date()).getTime(), maxSkewMs);
  // Signers hash what this header says when it is present (the AWS SDKs, botocore), signed or not.
  const contentSha256 = header('x-amz-content-sha256');
  checkContentSha256(contentSha256, options);

  const secret = await options.lookupSecret(auth.accessKeyId);
  if (secret === undefined) {
    throw new SigV4Error('UnrecognizedClient', 'The security token included in the request is invalid.');
  }
  const canonical = canonicalRequest({
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: contentSha256 ?? options.payloadHash,
  });
  const scope = credentialScope(auth.date, auth.region, auth.service);
  checkSignature(auth, secret, stringToSign(canonical, requestDate.amzDate, scope));
  return {
    accessKeyId: auth.accessKeyId,
    region: auth.region,
    ...(sessionToken === undefined ? {} : { sessionToken }),
    signedHeaders: auth.signedHeaders,
  };
}

/** The request date from `x-amz-date`, else from `date` (which may be in HTTP-date form). */
function readRequestDate(amzDateHeader: string | undefined, httpDateHeader: string | undefined): RequestDate {
  const dateHeader = amzDateHeader ?? httpDateHeader;
  if (dateHeader === undefined) {
    throw new SigV4Error(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const requestDate = parseRequestDate(dateHeader, amzDateHeader === undefined);
  if (!requestDate) {
    throw new SigV4Error(
      'IncompleteSignature',
      `${amzDateHeader === undefined ? 'Date' : 'X-Amz-Date'} must be in the ISO8601 Long Format ` +
        `"yyyyMMdd'T'HHmmss'Z'", got '${dateHeader.slice(0, 40)}'.`,
    );
  }
  return requestDate;
}

/** `host` and any session token must be signed, and every signed header must be in the request. */
function checkSignedHeaders(
  auth: ParsedAuthorization,
  headers: HeaderMap,
  sessionToken: string | undefined,
): void {
  if (!auth.signedHeaders.includes('host')) {
    throw new SigV4Error(
      'IncompleteSignature',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (sessionToken !== undefined && !auth.signedHeaders.includes('x-amz-security-token')) {
    throw new SigV4Error(
      'IncompleteSignature',
      "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const absent = auth.signedHeaders.find((name) => !headers.has(name));
  if (absent !== undefined) {
    throw new SigV4Error('IncompleteSignature', `Signed header '${absent}' is not in the request.`);
  }
}

/** The credential scope must name this service, a region served, and the request date's day. */
function checkCredentialScope(
  auth: ParsedAuthorization,
  requestDate: RequestDate,
  options: VerifyOptions,
): void {
  if (auth.service !== options.service) {
    throw new SigV4Error(
      'InvalidCredentialScope',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (options.regions && !options.regions.includes(auth.region)) {
    throw new SigV4Error(
      'InvalidCredentialScope',
      `Credential should be scoped to a valid region, not '${auth.region}'.`,
    );
  }
  if (auth.date !== requestDate.amzDate.slice(0, 8)) {
    throw new SigV4Error(
      'InvalidCredentialScope',
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
        `'${auth.date}' != '${requestDate.amzDate.slice(0, 8)}', from '${requestDate.amzDate}'.`,
    );
  }
}

/** The request date must be within `maxSkewMs` of the server's clock `now`, either way. */
function checkClock(requestDate: RequestDate, now: number, maxSkewMs: number): void {
  if (requestDate.time < now - maxSkewMs) {
    throw new SigV4Error(
      'SignatureExpired',
      `Signature expired: ${requestDate.amzDate} is now earlier than ${formatAmzDate(new Date(now - maxSkewMs))} ` +
        `(${formatAmzDate(new Date(now))} - ${skewText(maxSkewMs)})`,
    );
  }
  if (requestDate.time > now + maxSkewMs) {
    throw new SigV4Error(
      'SignatureExpired',
      `Signature not yet current: ${requestDate.amzDate} is still later than ` +
        `${formatAmzDate(new Date(now + maxSkewMs))} (${formatAmzDate(new Date(now))} + ${skewText(maxSkewMs)})`,
    );
  }
}

function skewText(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${ms / 1000} sec.`;
}

/** `x-amz-content-sha256`, when present, must be the body's hash or an accepted `UNSIGNED-PAYLOAD`. */
function checkContentSha256(contentSha256: string | undefined, options: VerifyOptions): void {
  if (contentSha256 === undefined || contentSha256 === options.payloadHash) return;
  if (contentSha256 !== UNSIGNED_PAYLOAD) {
    throw new SigV4Error(
      'ContentSha256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  if (options.allowUnsignedPayload === false) {
    throw new SigV4Error(
      'ContentSha256Mismatch',
      `'x-amz-content-sha256: ${UNSIGNED_PAYLOAD}' is not accepted.`,
    );
  }
}

/** The signature must be the one `secret` gives the string to sign, compared in constant time. */
function checkSignature(auth: ParsedAuthorization, secret: string, toSign: string): void {
  const expected = signature(signingKey(secret, auth.date, auth.region, auth.service), toSign);
  if (!constantTimeEqual(expected, auth.signature)) {
    throw new SigV4Error(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
        'Access Key and signing method. Consult the service documentation for details.',
    );
  }
}
