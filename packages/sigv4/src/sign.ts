/**
 * Signing a request with SigV4 in the `Authorization` header, synchronously, in any runtime.
 * @module
 */

import {
  ALGORITHM,
  canonicalRequest,
  collectHeaders,
  credentialScope,
  type HeaderInput,
  hexSha256,
  stringToSign,
} from './canonical.ts';
import { formatAmzDate } from './date.ts';
import { signature, signingKey } from './signingKey.ts';

/** An AWS access key pair, with the session token of temporary credentials. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The request to sign. */
export interface SignableRequest {
  /** HTTP method (`POST`). */
  method: string;
  /** The full URL the request is sent to; its path and query are signed as they will be sent. */
  url: string | URL;
  /** The headers that will be sent; by default all are signed but those {@link UNSIGNABLE_HEADERS} names. */
  headers: HeaderInput;
  /**
   * The body, hashed for the signature unless the `payloadHash` option or an `x-amz-content-sha256` header
   * gives the hash. A string is hashed as UTF-8.
   */
  body?: Uint8Array | string;
}

/** Options of {@link signRequest}. */
export interface SignOptions {
  credentials: Credentials;
  /** The region of the credential scope (`us-east-1`). */
  region: string;
  /** The service of the credential scope (`ecr`). */
  service: string;
  /** The signing time; now by default. */
  date?: Date;
  /**
   * Names of the headers to sign instead of the default (every header but {@link UNSIGNABLE_HEADERS}).
   * `host`, `x-amz-date` and, when present, `x-amz-security-token` and `x-amz-content-sha256` are always
   * signed.
   */
  signedHeaders?: readonly string[];
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`, when the caller has it already. */
  payloadHash?: string;
  /** Also send the payload hash as a signed `x-amz-content-sha256` header (as S3 requires). */
  contentSha256Header?: boolean;
}

/**
 * Headers that are never signed by default because proxies and browsers add, change or drop them (the
 * AWS SDK for JavaScript's list). Naming one in `signedHeaders` signs it all the same.
 */
export const UNSIGNABLE_HEADERS: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

const REPLACED = new Set(['authorization', 'x-amz-date']);

function assertNonEmpty(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`"${name}" expected a non-empty string, got ${JSON.stringify(value)}`);
  }
}

/**
 * Signs a request with AWS Signature Version 4 and returns the headers to send: the request's own (minus any
 * `Authorization` or `X-Amz-Date` it had) plus `host` when it had none, `x-amz-date`, `authorization`, and
 * `x-amz-security-token` for temporary credentials and `x-amz-content-sha256` when asked. Names added here
 * are lowercase; a `Headers` input comes back with its lowercase names.
 * @throws TypeError when a credential, the region or the service is empty.
 * @example
 * const body = JSON.stringify({ repositoryName: 'app' });
 * const headers = signRequest(
 *   {
 *     method: 'POST',
 *     url: 'https://ecr.example.com/',
 *     headers: {
 *       'content-type': 'application/x-amz-json-1.1',
 *       'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.InitiateLayerUpload',
 *     },
 *     body,
 *   },
 *   { credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1', service: 'ecr' },
 * );
 * await fetch('https://ecr.example.com/', { method: 'POST', headers, body });
 */
export function signRequest(request: SignableRequest, options: SignOptions): Record<string, string> {
  const { credentials, region, service } = options;
  assertNonEmpty('credentials.accessKeyId', credentials?.accessKeyId);
  assertNonEmpty('credentials.secretAccessKey', credentials?.secretAccessKey);
  assertNonEmpty('region', region);
  assertNonEmpty('service', service);
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const amzDate = formatAmzDate(options.date ?? new Date());
  const day = amzDate.slice(0, 8);

  const out: Record<string, string> = {};
  const present = new Set<string>();
  for (const [name, values] of collectHeaders(request.headers)) {
    if (REPLACED.has(name)) continue;
    present.add(name);
    // A list may repeat a name, which a Record cannot: send one line with the values joined as the
    // canonical form joins them, so that the server canonicalises the line to what was signed.
    setHeader(
      out,
      originalName(request.headers, name),
      values.length === 1
        ? (values[0] as string)
        : values.map((v) => v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')).join(','),
    );
  }
  if (!present.has('host')) {
    out.host = url.host;
    present.add('host');
  }
  out['x-amz-date'] = amzDate;
  present.add('x-amz-date');
  if (credentials.sessionToken !== undefined) {
    deleteHeader(out, 'x-amz-security-token');
    out['x-amz-security-token'] = credentials.sessionToken;
    present.add('x-amz-security-token');
  }

  const headerHash = present.has('x-amz-content-sha256')
    ? headerValue(out, 'x-amz-content-sha256')
    : undefined;
  const payloadHash = options.payloadHash ?? headerHash ?? hexSha256(request.body ?? '');
  if (options.contentSha256Header || (headerHash !== undefined && headerHash !== payloadHash)) {
    deleteHeader(out, 'x-amz-content-sha256');
    out['x-amz-content-sha256'] = payloadHash;
    present.add('x-amz-content-sha256');
  }

  const always = ['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'];
  const chosen = options.signedHeaders
    ? [...options.signedHeaders.map((name) => name.toLowerCase()), ...always]
    : [...present].filter((name) => !UNSIGNABLE_HEADERS.has(name) && !/^(proxy|sec)-/.test(name));
  const signedHeaders = [...new Set(chosen)].filter((name) => present.has(name)).sort();

  const scope = credentialScope(day, region, service);
  const canonical = canonicalRequest({
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers: out,
    signedHeaders,
    payloadHash,
  });
  const key = signingKey(credentials.secretAccessKey, day, region, service);
  const sig = signature(key, stringToSign(canonical, amzDate, scope));
  out.authorization =
    `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
  return out;
}

function originalName(headers: HeaderInput, lower: string): string {
  if (Array.isArray(headers)) {
    for (const [name] of headers) if (name.toLowerCase() === lower) return name;
  } else if (!(typeof (headers as Headers).get === 'function')) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) return name;
  }
  return lower;
}

// defineProperty makes even a header named `__proto__` an own property instead of a prototype change.
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
}

function headerValue(headers: Record<string, string>, lower: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

function deleteHeader(headers: Record<string, string>, lower: string): void {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) delete headers[name];
}
