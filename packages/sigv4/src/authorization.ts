/**
 * The `Authorization` header of a SigV4 request, read strictly.
 * @module
 */

import { ALGORITHM } from './canonical.ts';
import { SigV4Error } from './errors.ts';

/** The parts of an `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface ParsedAuthorization {
  /** The access key id, the first part of `Credential`. */
  accessKeyId: string;
  /** The scope's day, `yyyymmdd`. */
  date: string;
  /** The scope's region. */
  region: string;
  /** The scope's service. */
  service: string;
  /** `date/region/service/aws4_request`, as sent. */
  credentialScope: string;
  /** Lowercase signed header names, in the order sent (sorted). */
  signedHeaders: string[];
  /** 64 lowercase hex digits. */
  signature: string;
}

const REQUIRED = ['Credential', 'SignedHeaders', 'Signature'] as const;

function incomplete(message: string): SigV4Error {
  return new SigV4Error('IncompleteSignature', message);
}

/**
 * Parses an `Authorization` header. Parts may come in any order, with or without spaces after the commas.
 * @throws SigV4Error `IncompleteSignature`, whose message names what is missing or malformed.
 * @example
 * parseAuthorization(
 *   'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
 *     'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
 * ).signedHeaders; // ['host', 'x-amz-date']
 */
export function parseAuthorization(header: string): ParsedAuthorization {
  const text = header.trim();
  const space = text.search(/\s/);
  const algorithm = space === -1 ? text : text.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm.slice(0, 40)}'. Expected '${ALGORITHM}'.`);
  }
  const parts = new Map<string, string>();
  for (const piece of space === -1 ? [] : text.slice(space).split(',')) {
    const part = piece.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (!(REQUIRED as readonly string[]).includes(name)) {
      throw incomplete(`Authorization header has an unexpected part '${name.slice(0, 40)}'.`);
    }
    if (parts.has(name)) throw incomplete(`Authorization header has more than one '${name}' parameter.`);
    if (eq === -1) throw incomplete(`Authorization header's '${name}' parameter has no value.`);
    parts.set(name, part.slice(eq + 1));
  }
  const missing = REQUIRED.filter((name) => !parts.has(name));
  if (missing.length > 0) {
    throw incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }

  const credential = parts.get('Credential') as string;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope.some((piece) => piece === '')) {
    throw incomplete(
      `Credential should be 'accessKeyId/yyyymmdd/region/service/aws4_request', got '${credential.slice(0, 200)}'.`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date)) throw incomplete(`Credential's date should be 'yyyymmdd', got '${date}'.`);
  if (terminator !== 'aws4_request') {
    throw incomplete(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }

  const signedHeaders = (parts.get('SignedHeaders') as string).split(';');
  for (let i = 0; i < signedHeaders.length; i++) {
    const name = signedHeaders[i] as string;
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) {
      throw incomplete(`SignedHeaders should list lowercase header names separated by ';', got '${name}'.`);
    }
    if (i > 0 && name <= (signedHeaders[i - 1] as string)) {
      throw incomplete(
        `SignedHeaders should be sorted without repeats: '${name}' follows '${signedHeaders[i - 1]}'.`,
      );
    }
  }

  const signature = parts.get('Signature') as string;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature should be 64 lowercase hex digits.');

  return {
    accessKeyId,
    date,
    region,
    service,
    credentialScope: scope.slice(1).join('/'),
    signedHeaders,
    signature,
  };
}
