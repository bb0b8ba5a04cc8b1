/**
 * Strict standard base64 (RFC 4648 §4, padded), the wire form of AWS JSON blobs such as `layerPartBlob`.
 * Uses the runtime's `Uint8Array.fromBase64`/`toBase64` where they exist (workerd, current browsers) and a
 * table-driven fallback elsewhere; both accept exactly the same texts.
 * @module
 */

import { base64DecodedLength, decodeWithTable, encodeWithTable } from './base64-table.ts';

export { base64DecodedLength } from './base64-table.ts';

/** The TC39 base64 methods, absent from the ES2023 typings this package compiles against. */
interface NativeBase64 {
  fromBase64(text: string): Uint8Array;
  prototype: { toBase64(this: Uint8Array): string };
}

const native = (() => {
  const candidate = Uint8Array as unknown as Partial<NativeBase64>;
  return typeof candidate.fromBase64 === 'function' && typeof candidate.prototype?.toBase64 === 'function'
    ? (candidate as NativeBase64)
    : undefined;
})();

/**
 * Encodes bytes as padded standard base64.
 * @example
 * encodeBase64(new TextEncoder().encode('hi')); // 'aGk='
 */
export function encodeBase64(bytes: Uint8Array): string {
  return native ? native.prototype.toBase64.call(bytes) : encodeWithTable(bytes);
}

/**
 * Decodes padded standard base64.
 * @throws SyntaxError when {@link base64DecodedLength} rejects the text.
 * @example
 * decodeBase64('aGk='); // Uint8Array [104, 105]
 */
export function decodeBase64(text: string): Uint8Array {
  // Validate first even on the native path: `fromBase64` skips ASCII whitespace, which the wire form forbids.
  const length = base64DecodedLength(text);
  return native ? native.fromBase64(text) : decodeWithTable(text, length);
}
