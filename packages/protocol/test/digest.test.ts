// Digest grammar (image-spec "Digests"), the two registered algorithms, and computing a digest.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DIGEST_ALGORITHMS,
  digestOf,
  ECR_DIGEST,
  isDescriptorDigest,
  matchesDigestGrammar,
  OciError,
  parseDigest,
  parseDigestAlgorithm,
} from '../src/index.ts';

const SHA256 = `sha256:${'a1'.repeat(32)}`;
const SHA512 = `sha512:${'0f'.repeat(64)}`;

function digestError(text: string): OciError {
  try {
    parseDigest(text);
  } catch (error) {
    if (error instanceof OciError) return error;
    throw error;
  }
  throw new Error(`parseDigest accepted ${text}`);
}

describe('parseDigest', () => {
  test('accepts sha256 and sha512 in lowercase hex of the right length', () => {
    expect(parseDigest(SHA256)).toEqual({ algorithm: 'sha256', encoded: 'a1'.repeat(32), digest: SHA256 });
    expect(parseDigest(SHA512)).toEqual({ algorithm: 'sha512', encoded: '0f'.repeat(64), digest: SHA512 });
  });

  test.each([
    ['no colon', 'a'.repeat(64)],
    ['empty', ''],
    ['empty algorithm', `:${'a'.repeat(64)}`],
    ['empty encoded', 'sha256:'],
    ['uppercase algorithm', `SHA256:${'a'.repeat(64)}`],
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['short', `sha256:${'a'.repeat(63)}`],
    ['long', `sha256:${'a'.repeat(65)}`],
    ['sha512 length for sha256', `sha256:${'a'.repeat(128)}`],
    ['sha256 length for sha512', `sha512:${'a'.repeat(64)}`],
    ['not hex', `sha256:${'g'.repeat(64)}`],
    ['the conformance bad digest', 'sha256:baddigeststring'],
    ['unregistered algorithm', `md5:${'a'.repeat(32)}`],
    ['grammar-valid other algorithm', `multihash+base58:${'Q'.repeat(46)}`],
    ['two colons', `sha256:${'a'.repeat(64)}:x`],
    ['whitespace', ` ${SHA256}`],
  ])('rejects %s with 400 DIGEST_INVALID', (_, text) => {
    expect(digestError(text)).toMatchObject({ code: 'DIGEST_INVALID', status: 400 });
  });

  test('accepts every lowercase-hex string of the algorithm length, and nothing shorter', () => {
    const hex = fc.constantFrom(...'0123456789abcdef');
    for (const [algorithm, { hexLength }] of Object.entries(DIGEST_ALGORITHMS)) {
      fc.assert(
        fc.property(fc.string({ unit: hex, minLength: hexLength, maxLength: hexLength }), (encoded) => {
          expect(parseDigest(`${algorithm}:${encoded}`).encoded).toBe(encoded);
        }),
      );
      fc.assert(
        fc.property(fc.string({ unit: hex, maxLength: hexLength - 1 }), (encoded) => {
          expect(digestError(`${algorithm}:${encoded}`).code).toBe('DIGEST_INVALID');
        }),
      );
    }
  });
});

describe('matchesDigestGrammar', () => {
  test.each([
    [SHA256, true],
    ['sha256:baddigeststring', true],
    ['multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8', true],
    ['sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564', true],
    ['latest', false],
    ['v1.0', false],
    ['Sha256:abc', false],
    ['sha256:', false],
    ['sha256:ab/cd', false],
    ['sha256:ab.cd', false],
  ])('%s: %s', (text, expected) => {
    expect(matchesDigestGrammar(text)).toBe(expected);
  });
});

describe('parseDigestAlgorithm', () => {
  test('knows sha256 and sha512 only', () => {
    expect(parseDigestAlgorithm('sha256')).toBe('sha256');
    expect(parseDigestAlgorithm('sha512')).toBe('sha512');
    for (const name of ['SHA256', 'md5', 'blake3', 'toString', '']) {
      expect(() => parseDigestAlgorithm(name)).toThrow(OciError);
    }
  });
});

describe('digestOf', () => {
  test('matches the known digests of the empty blob and "abc"', async () => {
    const empty = new Uint8Array(new ArrayBuffer(0));
    expect(await digestOf('sha256', empty)).toBe(
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(await digestOf('sha512', new TextEncoder().encode('abc'))).toBe(
      'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(parseDigest(await digestOf('sha512', empty)).algorithm).toBe('sha512');
  });
});

describe('the digests a descriptor or an ECR member may carry', () => {
  test('a descriptor digest follows the grammar, and a registered algorithm its encoded form', () => {
    expect(isDescriptorDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDescriptorDigest(`sha512:${'b'.repeat(128)}`)).toBe(true);
    expect(isDescriptorDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDescriptorDigest(`sha256:${'a'.repeat(63)}`)).toBe(false);
    expect(isDescriptorDigest('multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8')).toBe(true);
    expect(isDescriptorDigest('sha256')).toBe(false);
  });

  test("ECR's pattern takes any algorithm name and hex of either case, a hyphen included", () => {
    expect(ECR_DIGEST.test(`sha256:${'A'.repeat(3)}`)).toBe(true);
    expect(ECR_DIGEST.test('my-alg:00')).toBe(true);
    expect(ECR_DIGEST.test('sha256:xyz')).toBe(false);
  });
});
