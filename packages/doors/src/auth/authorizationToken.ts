import { constantTimeEqual } from '@edgecr/sigv4';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AccessKey } from './credentials.ts';

/** The user name docker uses with an ECR token, as with ECR. */
const TOKEN_USER = 'AWS';

function mac(key: AccessKey, expiresAt: number): string {
  return bytesToHex(
    hmac(
      sha256,
      utf8ToBytes(key.secretAccessKey),
      utf8ToBytes(`edgecr-token\n${key.accessKeyId}\n${expiresAt}`),
    ),
  );
}

/**
 * GetAuthorizationToken's token: base64 of `AWS:<password>`, the password being the key id, the expiry and an
 * HMAC of both under the key's secret. It names its key, so the Worker verifies it later (a `docker login`
 * against an OCI API) with nothing stored, and it dies with its key.
 * @example
 * const { authorizationToken } = issueAuthorizationToken(key, Date.now() / 1000 + 43200);
 */
export function issueAuthorizationToken(key: AccessKey, expiresAt: number): { authorizationToken: string } {
  const password = `${key.accessKeyId}.${expiresAt}.${mac(key, expiresAt)}`;
  return { authorizationToken: btoa(`${TOKEN_USER}:${password}`) };
}

/**
 * The key a token was issued to, if the token is genuine and unexpired; undefined otherwise.
 * @example
 * const key = verifyAuthorizationToken(token, keys, Date.now() / 1000);
 */
export function verifyAuthorizationToken(
  token: string,
  keys: ReadonlyMap<string, AccessKey>,
  nowSeconds: number,
): AccessKey | undefined {
  let decoded: string;
  try {
    decoded = atob(token);
  } catch {
    return undefined;
  }
  const match = /^AWS:([A-Z0-9]+)\.(\d+)\.([0-9a-f]{64})$/.exec(decoded);
  if (!match) return undefined;
  const [, accessKeyId, expires, given] = match as unknown as [string, string, string, string];
  const key = keys.get(accessKeyId);
  const expiresAt = Number(expires);
  if (!key || expiresAt < nowSeconds) return undefined;
  const expected = mac(key, expiresAt);
  return constantTimeEqual(expected, given) ? key : undefined;
}
