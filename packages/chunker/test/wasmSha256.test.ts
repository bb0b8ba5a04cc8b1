// The WebAssembly SHA-256 against @noble/hashes (the reference) and WebCrypto, in Node, workerd and Chromium:
// known answers, and midstates saved by one implementation restored by the other.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBLE_SHA256 } from '../src/_nobleSha256.ts';
import type { Sha256Engine } from '../src/_sha256Core.ts';
import { setSha256Engine, sha256Engine } from '../src/_sha256Engine.ts';
import { ResumableSha256, type Sha256State } from '../src/index.ts';
import { testLayerBytes } from '../src/testing.ts';
import { referenceSha256Hex, splitAt } from './_helpers.ts';
import { IN_WORKERD, loadSha256WasmModule } from './_sha256Wasm.ts';
import { NIST_VECTORS } from './_vectors.ts';

const MiB = 1024 * 1024;

/** Runs `fn` with new hashers made by `engine`. */
function using<T>(engine: Sha256Engine, fn: () => T): T {
  const previous = sha256Engine();
  setSha256Engine(engine);
  try {
    return fn();
  } finally {
    setSha256Engine(previous);
  }
}

const viaJson = (state: Sha256State): Sha256State => JSON.parse(JSON.stringify(state)) as Sha256State;

let wasm: Sha256Engine;
let initial: Sha256Engine;

beforeAll(async () => {
  initial = sha256Engine();
  // Before anything is handed over: wasm where the runtime compiles it, noble in workerd (which refuses to
  // compile while serving a request, and the test runner loads this package's modules inside one).
  expect(ResumableSha256.implementation).toBe(IN_WORKERD ? 'noble' : 'wasm');
  ResumableSha256.useWasm(await loadSha256WasmModule());
  expect(ResumableSha256.implementation).toBe('wasm');
  wasm = sha256Engine();
});
afterAll(() => setSha256Engine(initial));

describe('wasm SHA-256: known answers', () => {
  for (const vector of NIST_VECTORS) {
    it(`${vector.name}`, () => {
      const message = vector.message();
      expect(using(wasm, () => new ResumableSha256().update(message).digestHex())).toBe(vector.digest);
      // Byte by byte for the short ones: every partial-block path.
      if (message.length < 200) {
        const hasher = using(wasm, () => new ResumableSha256());
        for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1));
        expect(hasher.digestHex()).toBe(vector.digest);
      }
    });
  }

  it('matches WebCrypto for every length 0..300 and around the 256 KiB input area', async () => {
    const data = testLayerBytes(3 * 256 * 1024 + 200, 5);
    const lengths = [
      ...Array.from({ length: 301 }, (_, i) => i),
      256 * 1024 - 1,
      256 * 1024,
      256 * 1024 + 1,
      512 * 1024 + 63,
      data.length,
    ];
    for (const length of lengths) {
      const message = data.subarray(0, length);
      const hex = using(wasm, () => new ResumableSha256().update(message).digestHex());
      expect(hex, `length ${length}`).toBe(await referenceSha256Hex(message));
    }
  });
});

describe('midstates are interchangeable between wasm and noble', () => {
  const n = MiB + 1000;
  const data = testLayerBytes(n, 11);
  const SPLITS = [0, 1, 55, 56, 63, 64, 65, 1000, MiB, n - 1, n];
  const directions: [string, () => Sha256Engine, () => Sha256Engine][] = [
    ['wasm → noble', () => wasm, () => NOBLE_SHA256],
    ['noble → wasm', () => NOBLE_SHA256, () => wasm],
  ];
  let reference: string;
  beforeAll(async () => {
    reference = await referenceSha256Hex(data);
  });

  for (const [name, from, to] of directions) {
    for (const split of SPLITS) {
      it(`${name} at byte ${split}`, async () => {
        const saving = using(from(), () => new ResumableSha256().update(data.subarray(0, split)));
        const state = viaJson(saving.save());
        // Both implementations describe the same prefix with the same state, byte for byte.
        const other = using(to(), () => new ResumableSha256().update(data.subarray(0, split)));
        expect(other.save()).toEqual(state);
        const restored = using(to(), () => ResumableSha256.restore(state));
        expect(restored.length).toBe(split);
        expect(restored.digestHex()).toBe(saving.digestHex());
        expect(restored.digestHex()).toBe(await referenceSha256Hex(data.subarray(0, split)));
        expect(restored.update(data.subarray(split)).digestHex()).toBe(reference);
      });
    }
  }

  it('chained hops alternating wasm and noble', () => {
    const cuts = [0, 1, 63, 64, 65, 1000, 4096 + 7, 300_000, MiB - 1, MiB, n - 1];
    let state = using(wasm, () => new ResumableSha256()).save();
    splitAt(data, cuts).forEach((piece, i) => {
      const engine = i % 2 ? NOBLE_SHA256 : wasm;
      state = viaJson(using(engine, () => ResumableSha256.restore(state).update(piece)).save());
    });
    expect(state.length).toBe(n);
    expect(using(NOBLE_SHA256, () => ResumableSha256.restore(state)).digestHex()).toBe(reference);
    expect(using(wasm, () => ResumableSha256.restore(state)).digestHex()).toBe(reference);
  });

  it('random data, random pieces, each piece in a randomly chosen implementation, matches noble', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }),
        (message, cuts, useWasm) => {
          let state = using(wasm, () => new ResumableSha256()).save();
          splitAt(message, cuts).forEach((piece, i) => {
            const engine = useWasm[i] ? wasm : NOBLE_SHA256;
            state = viaJson(using(engine, () => ResumableSha256.restore(state).update(piece)).save());
          });
          const expected = using(NOBLE_SHA256, () => new ResumableSha256().update(message).digestHex());
          expect(using(wasm, () => ResumableSha256.restore(state)).digestHex()).toBe(expected);
          expect(using(NOBLE_SHA256, () => ResumableSha256.restore(state)).digestHex()).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('clone() and digest() leave a wasm hasher undisturbed', () => {
    const hasher = using(wasm, () => new ResumableSha256().update(data.subarray(0, 100)));
    const fork = hasher.clone().update(data.subarray(100, 200));
    expect(hasher.digestHex()).toBe(hasher.digestHex());
    hasher.update(data.subarray(100));
    expect(hasher.digestHex()).toBe(reference);
    expect(fork.save()).toEqual(
      using(NOBLE_SHA256, () => new ResumableSha256().update(data.subarray(0, 200))).save(),
    );
  });
});

describe('ResumableSha256.useWasm', () => {
  it('refuses what is not a compiled module, and keeps the engine it had', () => {
    for (const bad of [undefined, new Uint8Array(8), {}]) {
      expect(() => ResumableSha256.useWasm(bad as unknown as WebAssembly.Module)).toThrow(
        /"module" expected a WebAssembly\.Module/,
      );
    }
    expect(ResumableSha256.implementation).toBe('wasm');
  });
});
