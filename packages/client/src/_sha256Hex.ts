/**
 * SHA-256 with WebCrypto, at native speed, for whole buffers (request bodies, the fingerprint's head).
 * @module
 */

/**
 * Lowercase hex SHA-256 of `bytes`.
 * @example
 * await sha256Hex(new TextEncoder().encode('abc')); // 'ba7816bf…'
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
