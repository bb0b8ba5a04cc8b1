import { _SHA256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertNobleLayout, NOBLE_HASHES_VERSION } from '../src/_nobleSha2.ts';
import { SHA256_SPEC } from '../src/_sha2Specs.ts';
import { formatSha256Digest, ResumableSha256, type Sha256State } from '../src/index.ts';
import { testLayerBytes } from '../src/testing.ts';
import { referenceSha256Hex, splitAt } from './_helpers.ts';
import { ascii, NIST_VECTORS } from './_vectors.ts';

/** Hashes `data` in pieces cut at `cuts`, saving the state to JSON and restoring it at every cut. */
function hashWithHops(data: Uint8Array, cuts: readonly number[]): ResumableSha256 {
  let hasher = new ResumableSha256();
  for (const piece of splitAt(data, cuts)) {
    hasher = ResumableSha256.restore(JSON.parse(JSON.stringify(hasher.save())) as Sha256State);
    hasher.update(piece);
  }
  return hasher;
}

describe('ResumableSha256: NIST vectors', () => {
  for (const vector of NIST_VECTORS) {
    it(`${vector.name}, in one update`, () => {
      expect(new ResumableSha256().update(vector.message()).digestHex()).toBe(vector.digest);
    });
    it(`${vector.name}, saved and restored between every 37-byte piece`, () => {
      const message = vector.message();
      const cuts = Array.from({ length: Math.ceil(message.length / 37) }, (_, i) => i * 37);
      const hasher = hashWithHops(message, cuts);
      expect(hasher.length).toBe(message.length);
      expect(hasher.digestHex()).toBe(vector.digest);
    });
  }
});

describe('ResumableSha256: save and restore', () => {
  const data = testLayerBytes(1100, 7);
  // Around the 55/56 padding split, the block boundary, and a few blocks later.
  const OFFSETS = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 1099, 1100];

  for (const offset of OFFSETS) {
    it(`restores at offset ${offset}`, async () => {
      const saved = new ResumableSha256().update(data.subarray(0, offset)).save();
      expect(saved.length).toBe(offset);
      expect(atob(saved.tail).length).toBe(offset % 64);
      const restored = ResumableSha256.restore(JSON.parse(JSON.stringify(saved)) as Sha256State);
      expect(restored.length).toBe(offset);
      expect(restored.update(data.subarray(offset)).digestHex()).toBe(await referenceSha256Hex(data));
      // The digest of the prefix itself, from the restored state.
      expect(ResumableSha256.restore(saved).digestHex()).toBe(
        await referenceSha256Hex(data.subarray(0, offset)),
      );
    });
  }

  it('matches WebCrypto over random data, random pieces and random save/restore hops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.nat({ max: 700 }), { maxLength: 12 }),
        async (data, cuts) => {
          const hasher = hashWithHops(data, cuts);
          expect(hasher.length).toBe(data.length);
          expect(hasher.digestHex()).toBe(await referenceSha256Hex(data));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the state small: under 256 bytes of JSON', () => {
    const state = new ResumableSha256().update(testLayerBytes(1_000_063)).save();
    expect(JSON.stringify(state).length).toBeLessThan(256);
    expect(state).toEqual({ v: 1, h: expect.any(Array), length: 1_000_063, tail: expect.any(String) });
    for (const word of state.h) expect(word >>> 0).toBe(word);
  });

  it('save() and digest() do not disturb the hasher', async () => {
    const data = testLayerBytes(300, 3);
    const hasher = new ResumableSha256().update(data.subarray(0, 100));
    const first = hasher.save();
    expect(hasher.digestHex()).toBe(await referenceSha256Hex(data.subarray(0, 100)));
    expect(hasher.digestHex()).toBe(await referenceSha256Hex(data.subarray(0, 100)));
    expect(hasher.save()).toEqual(first);
    hasher.update(data.subarray(100));
    expect(hasher.digestHex()).toBe(await referenceSha256Hex(data));
    expect(hasher.digest()).toHaveLength(32);
  });

  it('clone() is independent', async () => {
    const hasher = new ResumableSha256().update(ascii('ab'));
    const fork = hasher.clone().update(ascii('x'));
    hasher.update(ascii('c'));
    expect(hasher.digestHex()).toBe(NIST_VECTORS[1]?.digest);
    expect(fork.digestHex()).toBe(await referenceSha256Hex(ascii('abx')));
  });

  it('rejects input that is not bytes', () => {
    expect(() => new ResumableSha256().update('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new ResumableSha256().update([1, 2] as unknown as Uint8Array)).toThrow(
      /"bytes" expected Uint8Array/,
    );
  });
});

describe('ResumableSha256.restore validation', () => {
  const valid = (): Sha256State => new ResumableSha256().update(testLayerBytes(70)).save();
  const cases: [string, unknown, ErrorConstructor, RegExp][] = [
    ['null', null, TypeError, /"state" expected/],
    ['an array', [], TypeError, /"state" expected/],
    ['a string', 'x', TypeError, /"state" expected/],
    ['v missing', { ...valid(), v: undefined }, TypeError, /"state\.v"/],
    ['v = 2', { ...valid(), v: 2 }, RangeError, /"state\.v" expected 1/],
    ['h missing', { ...valid(), h: undefined }, TypeError, /"state\.h"/],
    ['h of 7 words', { ...valid(), h: [1, 2, 3, 4, 5, 6, 7] }, RangeError, /"state\.h" expected 8 words/],
    ['a negative word', { ...valid(), h: [1, 2, 3, -4, 5, 6, 7, 8] }, RangeError, /"state\.h\[3\]"/],
    ['a word of 2^32', { ...valid(), h: [2 ** 32, 2, 3, 4, 5, 6, 7, 8] }, RangeError, /"state\.h\[0\]"/],
    ['a fractional word', { ...valid(), h: [1, 2, 3, 4, 5, 6, 7, 8.5] }, RangeError, /"state\.h\[7\]"/],
    ['a string word', { ...valid(), h: [1, 2, '3', 4, 5, 6, 7, 8] }, TypeError, /"state\.h\[2\]"/],
    ['length missing', { ...valid(), length: undefined }, TypeError, /"state\.length"/],
    ['a negative length', { ...valid(), length: -1 }, RangeError, /"state\.length"/],
    ['a fractional length', { ...valid(), length: 6.5 }, RangeError, /"state\.length"/],
    ['an unsafe length', { ...valid(), length: 2 ** 53 }, RangeError, /"state\.length"/],
    ['tail missing', { ...valid(), tail: undefined }, TypeError, /"state\.tail"/],
    ['tail not base64', { ...valid(), tail: '!!!!' }, TypeError, /"state\.tail" expected base64/],
    [
      'tail unpadded',
      { ...valid(), tail: 'AAECAwQF' + 'Bg' },
      TypeError,
      /"state\.tail" expected base64.*multiple of 4/,
    ],
    [
      'tail longer than length % 64',
      { ...valid(), tail: 'AAEC' },
      RangeError,
      /"state\.tail" expected 6 bytes/,
    ],
    ['tail with length % 64 = 0', { ...valid(), length: 64 }, RangeError, /"state\.tail" expected 0 bytes/],
  ];
  for (const [name, state, type, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => ResumableSha256.restore(state as Sha256State)).toThrow(type);
      expect(() => ResumableSha256.restore(state as Sha256State)).toThrow(message);
    });
  }
  it('accepts what save() made', () => {
    expect(ResumableSha256.restore(valid()).save()).toEqual(valid());
  });
});

describe('formatSha256Digest', () => {
  const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
  it('formats bytes and hex', () => {
    expect(formatSha256Digest(new ResumableSha256().digest())).toBe(`sha256:${EMPTY}`);
    expect(formatSha256Digest(EMPTY)).toBe(`sha256:${EMPTY}`);
    expect(formatSha256Digest(EMPTY.toUpperCase())).toBe(`sha256:${EMPTY}`);
  });
  it('refuses what is not a SHA-256 digest', () => {
    expect(() => formatSha256Digest(EMPTY.slice(1))).toThrow(RangeError);
    expect(() => formatSha256Digest(`sha256:${EMPTY}`)).toThrow(/"digest" expected 64 hex digits/);
    expect(() => formatSha256Digest(new Uint8Array(31))).toThrow(/expected 32 bytes/);
    expect(() => formatSha256Digest(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('the guard on @noble/hashes internals', () => {
  it(`accepts the pinned @noble/hashes ${NOBLE_HASHES_VERSION}`, () => {
    expect(() => assertNobleLayout(SHA256_SPEC)).not.toThrow();
  });

  // Each fake is a real hasher with one field "moved", as a refactor upstream would.
  const rename = (h: Record<string, unknown>, from: string, to: string): void => {
    h[to] = h[from];
    delete h[from];
  };
  const moved: [string, (h: Record<string, unknown>) => void, RegExp][] = [
    ['pos renamed', (h) => rename(h, 'pos', 'offset'), /"pos"/],
    ['length renamed', (h) => rename(h, 'length', 'len'), /"length"/],
    ['buffer renamed', (h) => rename(h, 'buffer', 'buf'), /"buffer"/],
    ['get() gone', (h) => (h.get = undefined), /"get"/],
    ['set() gone', (h) => (h.set = undefined), /"set"/],
    [
      'state words reordered',
      (h) => (h.get = () => [0x5be0cd19, 0x6a09e667, 0, 0, 0, 0, 0, 0]),
      /initial words/,
    ],
    ['set() no longer writes the state', (h) => (h.set = () => {}), /does not digest to the known value/],
    [
      'pos no longer counts buffered bytes',
      (h) => {
        const update = h.update as (d: Uint8Array) => unknown;
        h.update = function (this: { pos: number }, d: Uint8Array) {
          update.call(this, d);
          this.pos = 0;
          return this;
        };
      },
      /"pos" does not count/,
    ],
  ];
  for (const [name, move, message] of moved) {
    it(`fails loudly when ${name}`, () => {
      const create = () => {
        const hasher = new _SHA256() as unknown as Record<string, unknown>;
        move(hasher);
        return hasher;
      };
      expect(() => assertNobleLayout(SHA256_SPEC, create)).toThrow(message);
      expect(() => assertNobleLayout(SHA256_SPEC, create)).toThrow(
        /_SHA256 are not where ResumableSha256 expects them.*written for @noble\/hashes 2\.4\.0 exactly/,
      );
    });
  }
});
