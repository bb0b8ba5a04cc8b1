// The WebAssembly SHA-256 and SHA-512 against @noble/hashes (the reference) and WebCrypto, in Node, workerd and
// Chromium: known answers, and midstates saved by one implementation restored by the other.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashEngine } from '../src/_hashCore.ts';
import type { HashState } from '../src/_midstate.ts';
import { testLayerBytes } from '../src/testing.ts';
import { splitAt } from './_helpers.ts';
import { type Hasher, IN_WORKERD, VARIANTS } from './_variants.ts';

const MiB = 1024 * 1024;

const viaJson = (state: HashState): HashState => JSON.parse(JSON.stringify(state)) as HashState;

for (const variant of VARIANTS) {
  const { blockBytes, engines, noble, reference } = variant;

  /** Runs `fn` with new hashers made by `engine`. */
  function using<T>(engine: HashEngine, fn: () => T): T {
    const previous = engines.current;
    engines.set(engine);
    try {
      return fn();
    } finally {
      engines.set(previous);
    }
  }
  const fresh = (engine: HashEngine): Hasher => using(engine, () => variant.create());
  const restoreIn = (engine: HashEngine, state: HashState): Hasher =>
    using(engine, () => variant.restore(state));

  describe(`wasm ${variant.name}`, () => {
    let wasm: HashEngine;
    let initial: HashEngine;

    beforeAll(async () => {
      initial = engines.current;
      // Before anything is handed over: wasm where the runtime compiles it, noble in workerd (which refuses to
      // compile while serving a request, and the test runner loads this package's modules inside one).
      expect(variant.implementation()).toBe(IN_WORKERD ? 'noble' : 'wasm');
      variant.useWasm(await variant.loadWasm());
      expect(variant.implementation()).toBe('wasm');
      wasm = engines.current;
    });
    afterAll(() => engines.set(initial));

    describe('known answers', () => {
      for (const vector of variant.vectors) {
        it(`${vector.name}`, () => {
          const message = vector.message();
          expect(fresh(wasm).update(message).digestHex()).toBe(vector.digest);
          // Byte by byte for the short ones: every partial-block path.
          if (message.length < 200) {
            const hasher = fresh(wasm);
            for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1));
            expect(hasher.digestHex()).toBe(vector.digest);
          }
        });
      }

      it('matches WebCrypto for every length up to 2.5 blocks and around the 256 KiB input area', async () => {
        const data = testLayerBytes(3 * 256 * 1024 + 200, 5);
        const lengths = [
          ...Array.from({ length: Math.floor(2.5 * blockBytes) }, (_, i) => i),
          256 * 1024 - 1,
          256 * 1024,
          256 * 1024 + 1,
          512 * 1024 + blockBytes - 1,
          data.length,
        ];
        for (const length of lengths) {
          const message = data.subarray(0, length);
          expect(fresh(wasm).update(message).digestHex(), `length ${length}`).toBe(await reference(message));
        }
      });
    });

    describe('midstates are interchangeable between wasm and noble', () => {
      const n = MiB + 1000;
      const data = testLayerBytes(n, 11);
      const pad = blockBytes - blockBytes / 8; // where the length field no longer fits in the block
      const SPLITS = [0, 1, pad - 1, pad, blockBytes - 1, blockBytes, blockBytes + 1, 1000, MiB, n - 1, n];
      const directions: [string, () => HashEngine, () => HashEngine][] = [
        ['wasm → noble', () => wasm, () => noble],
        ['noble → wasm', () => noble, () => wasm],
      ];
      let whole: string;
      beforeAll(async () => {
        whole = await reference(data);
      });

      for (const [name, from, to] of directions) {
        for (const split of SPLITS) {
          it(`${name} at byte ${split}`, async () => {
            const saving = fresh(from()).update(data.subarray(0, split));
            const state = viaJson(saving.save());
            // Both implementations describe the same prefix with the same state, byte for byte.
            expect(fresh(to()).update(data.subarray(0, split)).save()).toEqual(state);
            const restored = restoreIn(to(), state);
            expect(restored.length).toBe(split);
            expect(restored.digestHex()).toBe(saving.digestHex());
            expect(restored.digestHex()).toBe(await reference(data.subarray(0, split)));
            expect(restored.update(data.subarray(split)).digestHex()).toBe(whole);
          });
        }
      }

      it('chained hops alternating wasm and noble', () => {
        const cuts = [0, 1, 63, 64, 65, 127, 128, 129, 1000, 4096 + 7, 300_000, MiB - 1, MiB, n - 1];
        let state = fresh(wasm).save();
        splitAt(data, cuts).forEach((piece, i) => {
          state = viaJson(
            restoreIn(i % 2 ? noble : wasm, state)
              .update(piece)
              .save(),
          );
        });
        expect(state.length).toBe(n);
        expect(restoreIn(noble, state).digestHex()).toBe(whole);
        expect(restoreIn(wasm, state).digestHex()).toBe(whole);
      });

      it('random data, random pieces, each piece in a randomly chosen implementation, matches noble and WebCrypto', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.uint8Array({ maxLength: 3000 }),
            fc.array(fc.nat({ max: 3000 }), { maxLength: 20 }),
            fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }),
            async (message, cuts, useWasm) => {
              let state = fresh(wasm).save();
              splitAt(message, cuts).forEach((piece, i) => {
                state = viaJson(
                  restoreIn(useWasm[i] ? wasm : noble, state)
                    .update(piece)
                    .save(),
                );
              });
              const expected = fresh(noble).update(message).digestHex();
              expect(expected).toBe(await reference(message));
              expect(restoreIn(wasm, state).digestHex()).toBe(expected);
              expect(restoreIn(noble, state).digestHex()).toBe(expected);
            },
          ),
          { numRuns: 200 },
        );
      });

      it('clone() and digest() leave a wasm hasher undisturbed', () => {
        const hasher = fresh(wasm).update(data.subarray(0, 100));
        const fork = hasher.clone().update(data.subarray(100, 300));
        expect(hasher.digestHex()).toBe(hasher.digestHex());
        hasher.update(data.subarray(100));
        expect(hasher.digestHex()).toBe(whole);
        expect(fork.save()).toEqual(fresh(noble).update(data.subarray(0, 300)).save());
      });
    });

    describe('useWasm', () => {
      it('refuses what is not a compiled module, and keeps the engine it had', () => {
        for (const bad of [undefined, new Uint8Array(8), {}]) {
          expect(() => variant.useWasm(bad as unknown as WebAssembly.Module)).toThrow(
            /"module" expected a WebAssembly\.Module/,
          );
        }
        expect(variant.implementation()).toBe('wasm');
      });
    });
  });
}
