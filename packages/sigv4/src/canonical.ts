/**
 * The canonical request and the string to sign of Signature Version 4, built exactly as the AWS General
 * Reference ("Create a canonical request for IAM") and the aws-sig-v4-test-suite define them.
 * @module
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The algorithm name that opens the string to sign and the `Authorization` header. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * The payload hash a signer puts in `x-amz-content-sha256` to leave the body out of the signature.
 * @example
 * signRequest(request, { ...options, payloadHash: UNSIGNED_PAYLOAD, contentSha256Header: true });
 */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * Hex SHA-256 of the empty body, the payload hash of every request without one.
 * @example
 * hexSha256(''); // EMPTY_PAYLOAD_HASH
 */
export const EMPTY_PAYLOAD_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Request headers in any of the forms `fetch` takes. A list may repeat a name, as two header lines do: the
 * canonical form joins their values with commas. `Headers` has already joined repeats with `", "`.
 */
export type HeaderInput = Headers | Record<string, string> | ReadonlyArray<readonly [string, string]>;

/**
 * Lowercase hex SHA-256 of bytes, or of a string's UTF-8 encoding.
 * @example
 * hexSha256('Param1=value1'); // '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e'
 */
export function hexSha256(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/**
 * URI-encodes text as SigV4 requires (RFC 3986): every UTF-8 byte except `A-Z a-z 0-9 - . _ ~` becomes `%XX`
 * with uppercase hex, `/` included.
 * @example
 * uriEncode('a b/ሴ'); // 'a%20b%2F%E1%88%B4'
 */
export function uriEncode(text: string): string {
  // encodeURIComponent leaves exactly !'()* unencoded beyond RFC 3986's unreserved set.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI of a path as it is sent on the wire (already percent-encoded once, like `URL.pathname`):
 * empty, `.` and `..` segments removed, then every segment URI-encoded once more. That second encoding is
 * the "double encoding" the SigV4 specification asks of every service but S3, and what the AWS SDKs do.
 * @example
 * canonicalUri('//a/./b/../%20c/'); // '/a/%2520c/'
 */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${path.endsWith('/') ? '/' : ''}`;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoded UTF-8: signers and servers then see the text itself, `%` included.
    return text;
  }
}

/**
 * The canonical query string of a raw query (`URL.search` without its `?`): each name and value decoded and
 * URI-encoded again, pairs sorted by encoded name and then value, a name without `=` given an empty value.
 * `+` is a literal plus, as in RFC 3986, not a space.
 * @example
 * canonicalQuery('b=2&a=%7e&c'); // 'a=~&b=2&c='
 */
export function canonicalQuery(query: string): string {
  const pairs: [string, string][] = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    pairs.push([uriEncode(decodeComponent(name)), uriEncode(decodeComponent(value))]);
  }
  // Encoded text is ASCII, so code-unit order is the byte order the specification sorts by.
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function isHeaders(headers: HeaderInput): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function';
}

/**
 * Every header as a lowercase name and the list of its values in order of appearance.
 * @example
 * collectHeaders([['My-Header1', 'a'], ['my-header1', 'b']]); // Map { 'my-header1' => ['a', 'b'] }
 */
export function collectHeaders(headers: HeaderInput): Map<string, string[]> {
  const collected = new Map<string, string[]>();
  const add = (value: string, name: string): void => {
    const key = name.toLowerCase();
    const values = collected.get(key);
    if (values) values.push(value);
    else collected.set(key, [value]);
  };
  if (Array.isArray(headers)) for (const [name, value] of headers) add(value, name);
  else if (isHeaders(headers)) headers.forEach(add);
  else for (const [name, value] of Object.entries(headers)) add(value, name);
  return collected;
}

/**
 * A header's canonical value: each value with surrounding whitespace removed and inner runs of spaces, tabs
 * and line breaks collapsed to one space, then all values joined with `,`.
 * @example
 * canonicalHeaderValue([' a   b ', 'c']); // 'a b,c'
 */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((value) => value.replace(/[\t\n\r ]+/g, ' ').replace(/^ | $/g, '')).join(',');
}

/** The parts of a request that a signature covers. */
export interface CanonicalRequestParts {
  /** HTTP method, as sent (`GET`, `POST`). */
  method: string;
  /** The path as sent on the wire, percent-encoded once (`URL.pathname`). */
  path: string;
  /** The raw query string without its `?` (`URL.search.slice(1)`); empty for none. */
  query: string;
  /** The request headers; only `signedHeaders` are read. */
  headers: HeaderInput | Map<string, string[]>;
  /** Lowercase names of the signed headers, in the order they appear in `SignedHeaders` (sorted). */
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or {@link UNSIGNED_PAYLOAD}. */
  payloadHash: string;
}

/**
 * The canonical request: method, canonical URI, canonical query, one `name:value` line per signed header,
 * the signed header list and the payload hash, joined by newlines. A signed header the request lacks counts
 * as empty.
 * @example
 * canonicalRequest({
 *   method: 'GET', path: '/', query: '', signedHeaders: ['host', 'x-amz-date'], payloadHash: EMPTY_PAYLOAD_HASH,
 *   headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
 * });
 * // 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c442…'
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const headers = parts.headers instanceof Map ? parts.headers : collectHeaders(parts.headers);
  const headerLines = parts.signedHeaders.map(
    (name) => `${name}:${canonicalHeaderValue(headers.get(name) ?? [])}\n`,
  );
  return [
    parts.method,
    canonicalUri(parts.path),
    canonicalQuery(parts.query),
    headerLines.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/**
 * The credential scope `yyyymmdd/region/service/aws4_request`.
 * @example
 * credentialScope('20150830', 'us-east-1', 'service'); // '20150830/us-east-1/service/aws4_request'
 */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

/**
 * The string to sign: algorithm, request date, credential scope and the hex SHA-256 of the canonical request.
 * @example
 * stringToSign(creq, '20150830T123600Z', '20150830/us-east-1/service/aws4_request');
 * // 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772…'
 */
export function stringToSign(canonical: string, amzDate: string, scope: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${hexSha256(canonical)}`;
}
