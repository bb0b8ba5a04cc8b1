// Base64 against references: the runtime's own codec where it has one, else a naive one written here.
// The table codec is tested directly too, so both paths run in both runtimes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeWithTable, encodeWithTable } from '../src/base64-table.ts';
import { base64DecodedLength, decodeBase64, encodeBase64, MiB } from '../src/index.ts';
import { toBase64 } from './model.ts';

interface NativeBase64 {
  fromBase64(text: string, options: { lastChunkHandling: 'strict' }): Uint8Array;
  prototype: { toBase64(this: Uint8Array): string };
}
const native = (Uint8Array as unknown as Partial<NativeBase64>).fromBase64
  ? (Uint8Array as unknown as NativeBase64)
  : undefined;

const referenceEncode = (bytes: Uint8Array) =>
  native ? native.prototype.toBase64.call(bytes) : toBase64(bytes);

/** Canonical padded base64: whole quanta, then an optional final quantum whose unused bits are zero. */
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

const accepts = (text: string) => {
  try {
    base64DecodedLength(text);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return false;
  }
};

describe('round trips', () => {
  test('encodeBase64 and decodeBase64 agree with the reference on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(referenceEncode(bytes));
        expect(base64DecodedLength(text)).toBe(bytes.length);
        expect(decodeBase64(text)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  test('the table codec agrees with the reference on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeWithTable(bytes);
        expect(text).toBe(referenceEncode(bytes));
        expect(decodeWithTable(text, base64DecodedLength(text))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  test('known vectors (RFC 4648 §10)', () => {
    const vectors = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy'];
    const plain = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
    vectors.forEach((text, i) => {
      expect(encodeBase64(new TextEncoder().encode(plain[i]))).toBe(text);
      expect(new TextDecoder().decode(decodeBase64(text))).toBe(plain[i]);
    });
  });

  // Its speed is measured by bench/base64.ts, as a ratio to the native codec in the same run.
  test('a 20 MiB layer part round-trips both ways', () => {
    const bytes = new Uint8Array(20 * MiB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    for (const [encode, decode] of [
      [encodeBase64, decodeBase64],
      [encodeWithTable, (text: string) => decodeWithTable(text, base64DecodedLength(text))],
    ] as const) {
      const text = encode(bytes);
      const decoded = decode(text);
      expect(decoded.length).toBe(bytes.length);
      // Every byte, without the matcher's element-by-element diff (seconds for 20 MiB).
      expect(decoded.findIndex((byte, i) => byte !== bytes[i])).toBe(-1);
      expect(text.length).toBe(Math.ceil(bytes.length / 3) * 4);
    }
    // Not a timed test: 20 MiB through two codecs each way takes seconds on a loaded 2-core machine.
  }, 60_000);
});

describe('strictness', () => {
  test.each([
    ['a length that is not a multiple of 4', 'Zm9', 'not a multiple of 4'],
    ['a URL-safe character', 'Zm-v', 'invalid base64 character "-" at index 2'],
    ['whitespace', 'Zm9v\nYmFy', 'not a multiple of 4'],
    ['a space inside', 'Zm 9', 'invalid base64 character " " at index 2'],
    ['non-ASCII', 'Zm9é', 'invalid base64 character "é" at index 3'],
    ['a character beyond Latin-1', 'Zm9\u0100', 'at index 3'],
    ['padding in the middle', 'Zg==Zm8=', 'invalid base64 character "=" at index 2'],
    ['three padding characters', 'Z===', 'invalid base64 character "=" at index 1'],
    ['padding alone', '====', 'invalid base64 character "=" at index 0'],
    ['non-zero bits under two =', 'Zh==', 'padding bits are not zero'],
    ['non-zero bits under one =', 'Zm9=', 'padding bits are not zero'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => base64DecodedLength(text)).toThrow(SyntaxError);
    expect(() => base64DecodedLength(text)).toThrow(message);
    expect(() => decodeBase64(text)).toThrow(SyntaxError);
  });

  test('accepts exactly the canonical encodings', () => {
    const character = fc.constantFrom(...'AQgwBZz09+/=-_ \né'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: character, maxLength: 12 }), (text) => {
        expect(accepts(text)).toBe(CANONICAL.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  // Only runtimes with a built-in decoder (workerd, newest browsers) have something to compare with; the test
  // is registered there only, rather than reported as skipped elsewhere.
  if (native) {
    test('matches the native strict decoder on what both accept', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: fc.constantFrom(...'AQgwBZz09+/='.split('')), maxLength: 12 }),
          (text) => {
            if (!accepts(text)) return;
            expect(decodeBase64(text)).toEqual(native.fromBase64(text, { lastChunkHandling: 'strict' }));
          },
        ),
      );
    });
  }
});
