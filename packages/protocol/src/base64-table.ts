/**
 * Table-driven base64: the strict validity check every decode starts with, and the codec for runtimes
 * without `Uint8Array.fromBase64`/`toBase64` (Node 24, older browsers). Both directions work on byte arrays
 * and convert to text once, because building a 28 MB string one character at a time (the `atob`/`btoa`
 * idiom) is orders of magnitude slower for a 20 MiB layer part. The hot loops read the tables as module
 * locals rather than imports, which module runners such as Vite's turn into slow namespace getters.
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

/** Marks a character code outside the alphabet in {@link SEXTETS}. */
const NOT_BASE64 = 0xff;

/** ASCII code of each 6-bit value. */
const ASCII = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));

/** 6-bit value of each ASCII code, {@link NOT_BASE64} for the rest (including '='). */
const SEXTETS = new Uint8Array(128).fill(NOT_BASE64);
for (let value = 0; value < ALPHABET.length; value++) SEXTETS[ALPHABET.charCodeAt(value)] = value;

/**
 * Encodes bytes as padded standard base64.
 * @example
 * encodeWithTable(new Uint8Array([104, 105])); // 'aGk='
 */
export function encodeWithTable(bytes: Uint8Array): string {
  const ascii = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let out = 0;
  for (let i = 0; i < whole; i += 3) {
    const triple = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    ascii[out++] = ASCII[triple >> 18] as number;
    ascii[out++] = ASCII[(triple >> 12) & 63] as number;
    ascii[out++] = ASCII[(triple >> 6) & 63] as number;
    ascii[out++] = ASCII[triple & 63] as number;
  }
  if (whole < bytes.length) {
    const hasSecond = whole + 1 < bytes.length;
    const triple = ((bytes[whole] as number) << 16) | (hasSecond ? (bytes[whole + 1] as number) << 8 : 0);
    ascii[out++] = ASCII[triple >> 18] as number;
    ascii[out++] = ASCII[(triple >> 12) & 63] as number;
    ascii[out++] = hasSecond ? (ASCII[(triple >> 6) & 63] as number) : PAD;
    ascii[out] = PAD;
  }
  return new TextDecoder().decode(ascii);
}

/**
 * Decodes valid, padded standard base64 into `length` bytes.
 * @example
 * decodeWithTable('aGk=', base64DecodedLength('aGk=')); // Uint8Array [104, 105]
 */
export function decodeWithTable(text: string, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  const whole = Math.floor(length / 3) * 4;
  const sextet = (index: number) => SEXTETS[text.charCodeAt(index)] as number;
  let out = 0;
  for (let i = 0; i < whole; i += 4) {
    const triple = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    bytes[out++] = triple >> 16;
    bytes[out++] = (triple >> 8) & 0xff;
    bytes[out++] = triple & 0xff;
  }
  if (out < length) {
    const triple =
      (sextet(whole) << 18) | (sextet(whole + 1) << 12) | (out + 1 < length ? sextet(whole + 2) << 6 : 0);
    bytes[out++] = triple >> 16;
    if (out < length) bytes[out] = (triple >> 8) & 0xff;
  }
  return bytes;
}

/**
 * Number of bytes `text` decodes to, found without decoding it, after checking that it is strict base64:
 * only the standard alphabet, a length that is a multiple of 4, at most two trailing `=`, and zero bits in
 * the padding (so every byte string has exactly one encoding).
 * @throws SyntaxError naming the first problem.
 * @example
 * base64DecodedLength('aGk='); // 2
 * base64DecodedLength('aGk');  // throws SyntaxError: base64 length 3 is not a multiple of 4
 */
export function base64DecodedLength(text: string): number {
  const length = text.length;
  if (length % 4 !== 0) throw new SyntaxError(`base64 length ${length} is not a multiple of 4`);
  let padding = 0;
  if (length > 0 && text.charCodeAt(length - 1) === PAD)
    padding = text.charCodeAt(length - 2) === PAD ? 2 : 1;
  const data = length - padding;
  for (let i = 0; i < data; i++) {
    const code = text.charCodeAt(i);
    if (code >= SEXTETS.length || SEXTETS[code] === NOT_BASE64) {
      throw new SyntaxError(`invalid base64 character ${JSON.stringify(text[i])} at index ${i}`);
    }
  }
  if (padding > 0) {
    // Before padding, the last character carries 4 (two '=') or 2 (one '=') bits that encode nothing.
    const unusedBits = padding === 2 ? 0x0f : 0x03;
    if (((SEXTETS[text.charCodeAt(data - 1)] as number) & unusedBits) !== 0) {
      throw new SyntaxError('base64 padding bits are not zero');
    }
  }
  return (length / 4) * 3 - padding;
}
