/**
 * The SigV4 signing key (an HMAC-SHA256 chain over date, region and service) and the signature itself, with
 * a small cache of derived keys: a server verifies many requests with the same key on the same day, and the
 * four HMACs of a derivation cost as much as hashing 500 bytes of canonical request several times over.
 * @module
 */

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** How many derived keys are kept; the least recently used one is dropped past that. */
export const SIGNING_KEY_CACHE_SIZE = 64;

const cache = /* @__PURE__ */ new Map<string, Uint8Array>();

function derive(secretAccessKey: string, date: string, region: string, service: string): Uint8Array {
  let key = hmac(sha256, utf8ToBytes(`AWS4${secretAccessKey}`), utf8ToBytes(date));
  for (const part of [region, service, 'aws4_request']) key = hmac(sha256, key, utf8ToBytes(part));
  return key;
}

/**
 * The signing key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`, from a
 * cache of the last {@link SIGNING_KEY_CACHE_SIZE} keys derived. The returned bytes are shared: do not modify.
 * @example
 * signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
 * // Uint8Array(32) c4afb1cc…
 */
export function signingKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Uint8Array {
  const id = JSON.stringify([secretAccessKey, date, region, service]);
  const cached = cache.get(id);
  if (cached) {
    // Re-inserting moves the key to the end of the Map's order: the first key is the least recently used.
    cache.delete(id);
    cache.set(id, cached);
    return cached;
  }
  const key = derive(secretAccessKey, date, region, service);
  cache.set(id, key);
  if (cache.size > SIGNING_KEY_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return key;
}

/**
 * The hex signature of a string to sign: `HMAC-SHA256(signingKey, stringToSign)`.
 * @example
 * signature(signingKey(secret, '20150830', 'us-east-1', 'service'), sts); // '5fa00fa3…'
 */
export function signature(key: Uint8Array, toSign: string): string {
  return bytesToHex(hmac(sha256, key, utf8ToBytes(toSign)));
}

/**
 * Compares two strings in time that depends only on their lengths, so that a wrong signature's timing tells
 * nothing of how many leading characters were right. The one such comparison of edgecr: the Worker checks its
 * download URL signatures and authorization tokens with it too. Hand-written because WebCrypto has no
 * comparison and `crypto.timingSafeEqual` is Node's (and workerd's `crypto.subtle.timingSafeEqual` is not in
 * browsers).
 * @example
 * constantTimeEqual('abc', 'abd'); // false
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
