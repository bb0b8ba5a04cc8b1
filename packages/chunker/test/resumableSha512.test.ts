// ResumableSha512's own surface (the wasm/noble cross-checks of both variants are in wasmHash.test.ts): save and
// restore against WebCrypto over random hops, the state's checks, and the guard on noble's _SHA512.
import { _SHA512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNobleLayout } from '../src/_nobleSha2.ts';
import { SHA512_SPEC } from '../src/_sha2Specs.ts';
import { ResumableSha256, ResumableSha512, SHA512_DIGEST_BYTES, type Sha512State } from '../src/index.ts';
import { testLayerBytes } from '../src/testing.ts';
import { referenceHex, splitAt } from './_helpers.ts';

/** Hashes `data` in pieces cut at `cuts`, saving the state to JSON and restoring it at every cut. */
function hashWithHops(data: Uint8Array, cuts: readonly number[]): ResumableSha512 {
  let hasher = new ResumableSha512();
  for (const piece of splitAt(data, cuts)) {
    hasher = ResumableSha512.restore(JSON.parse(JSON.stringify(hasher.save())) as Sha512State);
    hasher.update(piece);
  }
  return hasher;
}

describe('ResumableSha512: save and restore', () => {
  const data = testLayerBytes(1100, 7);
  // Around the 111/112 padding split, the 128-byte block boundary, and a few blocks later.
  const OFFSETS = [0, 1, 111, 112, 127, 128, 129, 239, 240, 255, 256, 257, 1000, 1099, 1100];

  for (const offset of OFFSETS) {
    it(`restores at offset ${offset}`, async () => {
      const saved = new ResumableSha512().update(data.subarray(0, offset)).save();
      expect(saved.length).toBe(offset);
      expect(saved.h).toHaveLength(16);
      expect(atob(saved.tail).length).toBe(offset % 128);
      const restored = ResumableSha512.restore(JSON.parse(JSON.stringify(saved)) as Sha512State);
      expect(restored.update(data.subarray(offset)).digestHex()).toBe(await referenceHex('SHA-512', data));
      expect(ResumableSha512.restore(saved).digestHex()).toBe(
        await referenceHex('SHA-512', data.subarray(0, offset)),
      );
    });
  }

  it('matches WebCrypto over random data, random pieces and random save/restore hops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 1500 }),
        fc.array(fc.nat({ max: 1500 }), { maxLength: 12 }),
        async (bytes, cuts) => {
          const hasher = hashWithHops(bytes, cuts);
          expect(hasher.length).toBe(bytes.length);
          expect(hasher.digestHex()).toBe(await referenceHex('SHA-512', bytes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the state small: under 400 bytes of JSON', () => {
    const state = new ResumableSha512().update(testLayerBytes(1_000_127)).save();
    expect(JSON.stringify(state).length).toBeLessThan(400);
    expect(state).toEqual({ v: 1, h: expect.any(Array), length: 1_000_127, tail: expect.any(String) });
    expect(new ResumableSha512().digest()).toHaveLength(SHA512_DIGEST_BYTES);
  });

  it('clone() is independent', async () => {
    const hasher = new ResumableSha512().update(data.subarray(0, 200));
    const fork = hasher.clone().update(data.subarray(200, 300));
    hasher.update(data.subarray(200));
    expect(hasher.digestHex()).toBe(await referenceHex('SHA-512', data));
    expect(fork.digestHex()).toBe(await referenceHex('SHA-512', data.subarray(0, 300)));
  });
});

describe('ResumableSha512.restore validation', () => {
  const valid = (): Sha512State => new ResumableSha512().update(testLayerBytes(140)).save();
  const cases: [string, unknown, ErrorConstructor, RegExp][] = [
    ['null', null, TypeError, /"state" expected a ResumableSha512 state/],
    [
      'a SHA-256 state',
      new ResumableSha256().update(testLayerBytes(12)).save(),
      RangeError,
      /expected 16 words/,
    ],
    ['a word of 2^32', { ...valid(), h: [2 ** 32, ...valid().h.slice(1)] }, RangeError, /"state\.h\[0\]"/],
    ['tail of length % 64', { ...valid(), length: 76 }, RangeError, /"state\.tail" expected 76 bytes/],
  ];
  for (const [name, state, type, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => ResumableSha512.restore(state as Sha512State)).toThrow(type);
      expect(() => ResumableSha512.restore(state as Sha512State)).toThrow(message);
    });
  }
});

describe("the guard on @noble/hashes' _SHA512", () => {
  it('accepts the pinned version', () => {
    expect(() => assertNobleLayout(SHA512_SPEC)).not.toThrow();
  });
  it('fails loudly when the halves come back in another order', () => {
    const create = () => {
      const hasher = new _SHA512() as unknown as { get(): number[] };
      const get = hasher.get.bind(hasher);
      hasher.get = () => get().reverse();
      return hasher;
    };
    expect(() => assertNobleLayout(SHA512_SPEC, create)).toThrow(
      /_SHA512 are not where ResumableSha512 expects them \("get\(\)" does not return the 16 SHA-512 initial words/,
    );
  });
});
